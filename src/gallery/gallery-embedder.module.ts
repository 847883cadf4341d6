import { Global, Module } from '@nestjs/common';
import { AppConfig } from '../config/app-config.js';
import { DatabaseStartCheck } from '../database/database-start-check.js';
import { EmbedderContract, readEmbedderContract } from '../inference/embedder-contract.js';
import { requireThresholdsFor } from './embedder-thresholds.js';
import { GalleryEmbedderCheck } from './gallery-embedder.js';

/**
 * The one embedder of this service and its gallery: EMBEDDER_MODEL read from MODEL_REPOSITORY and
 * validated at start (a bad declaration, or another embedder's vectors in the gallery, stops it).
 * Global, because the pipeline, the repositories and the database start all need the same one.
 */
@Global()
@Module({
  providers: [
    {
      provide: EmbedderContract,
      inject: [AppConfig],
      useFactory: (config: AppConfig) => {
        const embedder = readEmbedderContract(config.modelRepository, config.embedderModel);
        requireThresholdsFor(embedder, config);
        return embedder;
      },
    },
    { provide: DatabaseStartCheck, inject: [EmbedderContract], useFactory: (embedder: EmbedderContract) => new GalleryEmbedderCheck(embedder) },
  ],
  exports: [EmbedderContract, DatabaseStartCheck],
})
export class GalleryEmbedderModule {}
