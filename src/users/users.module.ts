import { Module } from '@nestjs/common';
import { CacheModule } from '../cache/cache.module.js';
import { ImageUploadModule } from '../common/uploaded-image.js';
import { FacePipelineModule } from '../faces/face-pipeline.module.js';
import { EnrollmentController } from './enrollment.controller.js';
import { EnrollmentService } from './enrollment.service.js';
import { FacesRepository } from './faces.repository.js';
import { UsersController } from './users.controller.js';
import { UsersRepository } from './users.repository.js';
import { UsersService } from './users.service.js';

@Module({
  imports: [CacheModule, FacePipelineModule, ImageUploadModule],
  controllers: [UsersController, EnrollmentController],
  providers: [UsersRepository, FacesRepository, UsersService, EnrollmentService],
  exports: [UsersRepository, FacesRepository],
})
export class UsersModule {}
