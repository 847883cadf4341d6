import { Module } from '@nestjs/common';
import { CacheModule } from '../cache/cache.module.js';
import { ImageUploadModule } from '../common/uploaded-image.js';
import { GalleryModule } from '../gallery/gallery.module.js';
import { FacePipelineModule } from './face-pipeline.module.js';
import { FacesController } from './faces.controller.js';
import { RecognitionService } from './recognition.service.js';

@Module({
  imports: [FacePipelineModule, CacheModule, GalleryModule, ImageUploadModule],
  controllers: [FacesController],
  providers: [RecognitionService],
})
export class FacesModule {}
