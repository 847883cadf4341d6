import { Body, Controller, HttpCode, Post, UploadedFile, UseInterceptors } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiExtraModels, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrorResponse, ApiErrorResponses } from '../common/error-envelope.dto.js';
import { AcceptsBody, MULTIPART_BODY } from '../common/request-body-type.js';
import { ServerTimingInterceptor } from '../common/server-timing.js';
import { requireImage } from '../common/uploaded-image.js';
import { DetectResponseDto } from './dto/face.dto.js';
import {
  DEFAULT_CANDIDATES,
  DEFAULT_MAX_FACES,
  FaceMatchDto,
  FaceNoMatchDto,
  RecogniseFacesRequestDto,
  RecogniseFacesResponseDto,
} from './dto/recognise-faces.dto.js';
import { ImageUploadDto, RECOGNISE_RESPONSE_SCHEMA, RecogniseMatchDto, RecogniseNoMatchDto, RecogniseUserRequestDto } from './dto/recognise.dto.js';
import { SERVER_TIMING_HEADER } from '../docs/openapi-headers.js';
import { VerifyRequestDto, VerifyResponseDto } from './dto/verify.dto.js';
import { ImageUpload } from './image-upload.js';
import { RecognitionService } from './recognition.service.js';

@ApiTags('recognition')
@ApiConsumes('multipart/form-data')
@AcceptsBody(MULTIPART_BODY)
@ApiErrorResponses(401, 413, 415, 422, 429, 500, 503)
@UseInterceptors(ServerTimingInterceptor) // every handler returns Timed<Body>: the header gets the timings, the client the body
@Controller('api/v1')
export class FacesController {
  constructor(private readonly recognition: RecognitionService) {}

  @Post('recognise_user')
  @HttpCode(200)
  @ImageUpload()
  @ApiOperation({
    operationId: 'recogniseUser',
    summary: 'Recognise the most prominent face in a photo',
    description:
      'Match: `status` "success" with `user_info` and `similarity`. No match: `status` "failure", `user_info` null and a ' +
      'single-use `req_id` (also in `enrollmentKey`) that add_user takes to enroll this face until `expiresAt`.',
  })
  @ApiBody({ type: RecogniseUserRequestDto })
  @ApiErrorResponse(400, 'missingImage', 'invalidCandidates', 'unexpectedField')
  @ApiExtraModels(RecogniseMatchDto, RecogniseNoMatchDto)
  @ApiOkResponse({ description: 'A match or a no-match, told apart by `status`', schema: RECOGNISE_RESPONSE_SCHEMA, headers: SERVER_TIMING_HEADER })
  recognise(@UploadedFile() file: Express.Multer.File | undefined, @Body() body: RecogniseUserRequestDto) {
    return this.recognition.recognise(requireImage(file), body.candidates);
  }

  @Post('recognise')
  @HttpCode(200)
  @ImageUpload()
  @ApiOperation({
    operationId: 'recognise',
    summary: 'Recognise every face in a photo',
    description:
      "The faces of a group photo, most prominent first (the rule that picks recognise_user's face), at most `max_faces`. " +
      'Each is a match (`user_info`, `similarity`) or a no-match with its own single-use `req_id`; a match below ' +
      'DUPLICATE_FACE_THRESHOLD also carries one ("not me"). Each lists its nearest `candidates`. Faces under 32 px are ' +
      'counted in `faces_detected` but not recognised; a photo with only those is a 422 (603).',
  })
  @ApiBody({ type: RecogniseFacesRequestDto })
  @ApiErrorResponse(400, 'missingImage', 'invalidMaxFaces', 'invalidCandidates', 'unexpectedField')
  @ApiExtraModels(FaceMatchDto, FaceNoMatchDto)
  @ApiOkResponse({ description: 'Every face answered, and how many were found', type: RecogniseFacesResponseDto, headers: SERVER_TIMING_HEADER })
  recogniseFaces(@UploadedFile() file: Express.Multer.File | undefined, @Body() body: RecogniseFacesRequestDto) {
    return this.recognition.recogniseFaces(requireImage(file), body.max_faces ?? DEFAULT_MAX_FACES, body.candidates ?? DEFAULT_CANDIDATES);
  }

  @Post('verify')
  @HttpCode(200)
  @ImageUpload()
  @ApiOperation({ operationId: 'verify', summary: "1:1 check of a photo against one user's enrolled faces" })
  @ApiBody({ type: VerifyRequestDto })
  @ApiOkResponse({ description: 'The best similarity and whether it reaches the threshold', type: VerifyResponseDto, headers: SERVER_TIMING_HEADER })
  @ApiErrorResponse(400, 'invalidUserId', 'missingImage', 'unexpectedField')
  @ApiErrorResponse(404, 'userNotFound')
  verify(@UploadedFile() file: Express.Multer.File | undefined, @Body() body: VerifyRequestDto) {
    return this.recognition.verify(requireImage(file), body.user_id);
  }

  @Post('detect')
  @HttpCode(200)
  @ImageUpload()
  @ApiOperation({ operationId: 'detect', summary: 'Every face in a photo, with box, 5 landmarks and a quality score' })
  @ApiBody({ type: ImageUploadDto })
  @ApiOkResponse({ description: 'Every face found; an empty list when there is none', type: DetectResponseDto, headers: SERVER_TIMING_HEADER })
  @ApiErrorResponse(400, 'missingImage', 'unexpectedField')
  @ApiErrorResponse(422, 'tooManyPixels', 'imageUnusable')
  detect(@UploadedFile() file: Express.Multer.File | undefined) {
    return this.recognition.detect(requireImage(file));
  }
}
