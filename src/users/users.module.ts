import { Module, OnModuleInit, Optional } from '@nestjs/common';
import { CacheModule } from '../cache/cache.module.js';
import { ImageUploadModule } from '../common/uploaded-image.js';
import { FacePipelineModule } from '../faces/face-pipeline.module.js';
import { Metrics } from '../metrics/metrics.js';
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
export class UsersModule implements OnModuleInit {
  constructor(
    private readonly faces: FacesRepository,
    @Optional() private readonly metrics?: Metrics,
  ) {}

  onModuleInit(): void {
    this.metrics?.countOnScrape('face_matrix_gallery_faces', 'Enrolled face vectors (gallery size)', () => this.faces.count());
  }
}
