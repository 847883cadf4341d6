import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import { REQUEST_ID_PROPERTY } from '../../common/error-envelope.dto.js';
import type { Box } from '../../common/geometry.js';

@ApiSchema({ name: 'Box', description: 'A face box in the pixels of the uploaded image (after EXIF rotation)' })
export class BoxDto implements Box {
  @ApiProperty({ type: 'integer', minimum: 0, example: 10 }) x: number;
  @ApiProperty({ type: 'integer', minimum: 0, example: 20 }) y: number;
  @ApiProperty({ type: 'integer', minimum: 1, example: 90 }) width: number;
  @ApiProperty({ type: 'integer', minimum: 1, example: 110 }) height: number;
}

@ApiSchema({ name: 'MatchedFace' })
export class MatchedFaceDto {
  @ApiProperty({ type: BoxDto }) box: BoxDto;
  @ApiProperty({ description: 'Detector confidence in [0, 1]', example: 0.99 }) score: number;
}

@ApiSchema({ name: 'DetectedFace' })
export class DetectedFaceDto {
  @ApiProperty({ type: BoxDto }) box: BoxDto;
  @ApiProperty({ description: 'Detector confidence in [0, 1]', example: 0.99 }) score: number;

  @ApiProperty({
    description: 'Left eye, right eye, nose tip, left and right mouth corners, as [x, y] in image pixels',
    type: 'array',
    items: { type: 'array', items: { type: 'number' }, minItems: 2, maxItems: 2 },
    minItems: 5,
    maxItems: 5,
    example: [
      [38, 51],
      [73, 51],
      [56, 71],
      [41, 92],
      [70, 92],
    ],
  })
  landmarks: [number, number][];

  @ApiProperty({ description: 'Usability for recognition in [0, 1]: detection score, size, sharpness and pose', example: 0.9 })
  quality: number;
}

@ApiSchema({ name: 'DetectResponse' })
export class DetectResponseDto {
  @ApiProperty({ type: [DetectedFaceDto], description: 'Every face found, largest first; empty when none' })
  faces: DetectedFaceDto[];

  @ApiProperty(REQUEST_ID_PROPERTY) requestId: string;
}
