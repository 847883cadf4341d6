import { MiddlewareConsumer, Module, NestModule } from '@nestjs/common';
import { CacheModule } from '../cache/cache.module.js';
import { ImageUploadModule } from '../common/uploaded-image.js';
import { GalleryModule } from '../gallery/gallery.module.js';
import { FacePipelineModule } from './face-pipeline.module.js';
import { FacesController } from './faces.controller.js';
import { ShedUploadsWhenFull } from './image-upload.js';
import { RecognitionService } from './recognition.service.js';

@Module({
  imports: [FacePipelineModule, CacheModule, GalleryModule, ImageUploadModule],
  controllers: [FacesController],
  providers: [RecognitionService],
})
export class FacesModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(ShedUploadsWhenFull).forRoutes(FacesController);
  }
}
