import { MiddlewareConsumer, Module, NestModule } from '@nestjs/common';
import { CacheModule } from '../cache/cache.module.js';
import { ImageUploadModule } from '../common/uploaded-image.js';
import { FacePipelineModule } from '../faces/face-pipeline.module.js';
import { ShedUploadsWhenFull } from '../faces/image-upload.js';
import { GalleryModule } from '../gallery/gallery.module.js';
import { EnrollmentController } from './enrollment.controller.js';
import { EnrollmentService } from './enrollment.service.js';
import { UsersController } from './users.controller.js';
import { UsersRepository } from './users.repository.js';
import { UsersService } from './users.service.js';

@Module({
  imports: [CacheModule, FacePipelineModule, GalleryModule, ImageUploadModule],
  controllers: [UsersController, EnrollmentController],
  providers: [UsersRepository, UsersService, EnrollmentService],
  exports: [UsersRepository],
})
export class UsersModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(ShedUploadsWhenFull).forRoutes(EnrollmentController);
  }
}
