import { Module, OnModuleInit, Optional } from '@nestjs/common';
import { Metrics } from '../metrics/metrics.js';
import { FaceMatcher } from './face-matcher.js';
import { FacesRepository } from './faces.repository.js';

/** The enrolled faces and the one matcher that decides against them; used by recognition and enrollment. */
@Module({
  providers: [FacesRepository, FaceMatcher],
  exports: [FacesRepository, FaceMatcher],
})
export class GalleryModule implements OnModuleInit {
  constructor(
    private readonly faces: FacesRepository,
    @Optional() private readonly metrics?: Metrics,
  ) {}

  onModuleInit(): void {
    this.metrics?.countOnScrape('face_matrix_gallery_faces', 'Enrolled face vectors (gallery size)', () => this.faces.count());
  }
}
