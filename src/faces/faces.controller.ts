import { Body, Controller, HttpCode, Post, UploadedFile, UseInterceptors } from '@nestjs/common';
import { FileInterceptor } from '@nestjs/platform-express';
import { ApiBody, ApiConsumes, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrorResponses } from '../common/error-envelope.dto.js';
import { ServerTimingInterceptor } from '../common/server-timing.js';
import { requireImage } from '../common/uploaded-image.js';
import { DetectResponseDto } from './dto/face.dto.js';
import { ImageUploadDto, RecogniseResponseDto } from './dto/recognise.dto.js';
import { VerifyRequestDto, VerifyResponseDto } from './dto/verify.dto.js';
import { RecognitionService } from './recognition.service.js';

@ApiTags('recognition')
@ApiConsumes('multipart/form-data')
@ApiErrorResponses(400, 401, 413, 415, 422, 429, 503)
@UseInterceptors(ServerTimingInterceptor) // every handler returns Timed<Body>: the header gets the timings, the client the body
@Controller('api/v1')
export class FacesController {
  constructor(private readonly recognition: RecognitionService) {}

  @Post('recognise_user')
  @HttpCode(200)
  @UseInterceptors(FileInterceptor('image'))
  @ApiOperation({
    summary: 'Recognise the largest face in a photo',
    description: 'Match: `status` "success" with `user_info`. No match: `status` "failure" with a single-use `req_id` for add_user.',
  })
  @ApiBody({ type: ImageUploadDto })
  @ApiOkResponse({ type: RecogniseResponseDto })
  recognise(@UploadedFile() file: Express.Multer.File | undefined) {
    return this.recognition.recognise(requireImage(file));
  }

  @Post('verify')
  @HttpCode(200)
  @UseInterceptors(FileInterceptor('image'))
  @ApiOperation({ summary: "1:1 check of a photo against one user's enrolled faces" })
  @ApiBody({ type: VerifyRequestDto })
  @ApiOkResponse({ type: VerifyResponseDto })
  @ApiErrorResponses(404)
  verify(@UploadedFile() file: Express.Multer.File | undefined, @Body() body: VerifyRequestDto) {
    return this.recognition.verify(requireImage(file), body.user_id);
  }

  @Post('detect')
  @HttpCode(200)
  @UseInterceptors(FileInterceptor('image'))
  @ApiOperation({ summary: 'Every face in a photo, with box, 5 landmarks and a quality score' })
  @ApiBody({ type: ImageUploadDto })
  @ApiOkResponse({ type: DetectResponseDto })
  detect(@UploadedFile() file: Express.Multer.File | undefined) {
    return this.recognition.detect(requireImage(file));
  }
}
