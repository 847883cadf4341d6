import { Module } from '@nestjs/common';
import { FaceMatcher } from './face-matcher.js';
import { FacesRepository } from './faces.repository.js';

/** The enrolled faces and the one matcher that decides against them; used by recognition and enrollment. */
@Module({
  providers: [FacesRepository, FaceMatcher],
  exports: [FacesRepository, FaceMatcher],
})
export class GalleryModule {}
