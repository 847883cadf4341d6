import { Body, Controller, HttpCode, Post, Res, UploadedFile } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { ApiErrorResponses } from '../common/error-envelope.dto.js';
import { AcceptsBody, MULTIPART_BODY } from '../common/request-body-type.js';
import { setServerTiming } from '../common/server-timing.js';
import { requireImage } from '../common/uploaded-image.js';
import { DetectResponseDto } from './dto/face.dto.js';
import { ImageUploadDto, RecogniseResponseDto } from './dto/recognise.dto.js';
import { VerifyRequestDto, VerifyResponseDto } from './dto/verify.dto.js';
import { ImageUpload } from './image-upload.js';
import { RecognitionService } from './recognition.service.js';

@ApiTags('recognition')
@ApiConsumes('multipart/form-data')
@AcceptsBody(MULTIPART_BODY)
@ApiErrorResponses(400, 401, 413, 415, 422, 429, 503)
@Controller('api/v1')
export class FacesController {
  constructor(private readonly recognition: RecognitionService) {}

  @Post('recognise_user')
  @HttpCode(200)
  @ImageUpload()
  @ApiOperation({
    summary: 'Recognise the largest face in a photo',
    description: 'Match: `status` "success" with `user_info`. No match: `status` "failure" with a single-use `req_id` for add_user.',
  })
  @ApiBody({ type: ImageUploadDto })
  @ApiOkResponse({ type: RecogniseResponseDto })
  async recognise(@UploadedFile() file: Express.Multer.File | undefined, @Res({ passthrough: true }) response: Response) {
    const { body, timings } = await this.recognition.recognise(requireImage(file));
    setServerTiming(response, timings);
    return body;
  }

  @Post('verify')
  @HttpCode(200)
  @ImageUpload()
  @ApiOperation({ summary: "1:1 check of a photo against one user's enrolled faces" })
  @ApiBody({ type: VerifyRequestDto })
  @ApiOkResponse({ type: VerifyResponseDto })
  @ApiErrorResponses(404)
  verify(@UploadedFile() file: Express.Multer.File | undefined, @Body() body: VerifyRequestDto) {
    return this.recognition.verify(requireImage(file), body.user_id);
  }

  @Post('detect')
  @HttpCode(200)
  @ImageUpload()
  @ApiOperation({ summary: 'Every face in a photo, with box, 5 landmarks and a quality score' })
  @ApiBody({ type: ImageUploadDto })
  @ApiOkResponse({ type: DetectResponseDto })
  detect(@UploadedFile() file: Express.Multer.File | undefined) {
    return this.recognition.detect(requireImage(file));
  }
}
