import { ApiProperty } from '@nestjs/swagger';

export class BoxDto {
  @ApiProperty({ example: 10 }) x: number;
  @ApiProperty({ example: 20 }) y: number;
  @ApiProperty({ example: 90 }) width: number;
  @ApiProperty({ example: 110 }) height: number;
}

export class MatchedFaceDto {
  @ApiProperty({ type: BoxDto }) box: BoxDto;
  @ApiProperty({ description: 'Detector confidence', example: 0.99 }) score: number;
}

export class DetectedFaceDto {
  @ApiProperty({ type: BoxDto }) box: BoxDto;
  @ApiProperty({ example: 0.99 }) score: number;

  @ApiProperty({
    description: 'Left eye, right eye, nose tip, left and right mouth corners, in image pixels',
    type: 'array',
    items: { type: 'array', items: { type: 'number' }, minItems: 2, maxItems: 2 },
    example: [[38, 51], [73, 51], [56, 71], [41, 92], [70, 92]],
  })
  landmarks: [number, number][];

  @ApiProperty({ description: 'Usability for recognition in [0, 1]: detection score, size, sharpness and pose', example: 0.9 })
  quality: number;
}

export class DetectResponseDto {
  @ApiProperty({ type: [DetectedFaceDto], description: 'Every face found, largest first; empty when none' })
  faces: DetectedFaceDto[];

  @ApiProperty() requestId: string;
}
