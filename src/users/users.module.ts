import { Module } from '@nestjs/common';
import { CacheModule } from '../cache/cache.module.js';
import { FacesRepository } from './faces.repository.js';
import { UsersController } from './users.controller.js';
import { UsersRepository } from './users.repository.js';
import { UsersService } from './users.service.js';

@Module({
  imports: [CacheModule],
  controllers: [UsersController],
  providers: [UsersRepository, FacesRepository, UsersService],
  exports: [UsersRepository, FacesRepository, UsersService],
})
export class UsersModule {}
