import { Body, Controller, Post, UploadedFile } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiCreatedResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { ApiError } from '../common/api-error.js';
import { ApiErrorResponses } from '../common/error-envelope.dto.js';
import { UuidParam } from '../common/uuid-param.js';
import { ImageUpload } from '../faces/image-upload.js';
import { AddFaceResponseDto, AddUserDto, AddUserResponseDto, FaceSourceDto } from './dto/add-user.dto.js';
import { EnrollmentService, FaceSource } from './enrollment.service.js';

@ApiTags('users')
@ApiConsumes('application/json', 'multipart/form-data')
@ApiErrorResponses(400, 401, 404, 409, 413, 415, 422, 429, 503)
@Controller('api/v1')
export class EnrollmentController {
  constructor(private readonly enrollment: EnrollmentService) {}

  @Post('add_user')
  @ImageUpload()
  @ApiOperation({
    summary: 'Enroll a person with a req_id from recognise_user or with a photo',
    description: 'Exactly one of `req_id` (JSON or multipart) and `image` (multipart). A req_id is single-use.',
  })
  @ApiBody({ type: AddUserDto })
  @ApiCreatedResponse({ type: AddUserResponseDto })
  async addUser(@Body() body: AddUserDto, @UploadedFile() file: Express.Multer.File | undefined) {
    const userId = await this.enrollment.addUser({ name: body.name, birthdate: body.birthdate, email: body.email }, faceSource(body, file));
    return { status: 'success', message: 'User added successfully', user_id: userId };
  }

  @Post('users/:id/faces')
  @ImageUpload()
  @ApiOperation({ summary: 'Add another face of the same person; recognition matches against all of them' })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiBody({ type: FaceSourceDto })
  @ApiCreatedResponse({ type: AddFaceResponseDto })
  async addFace(@UuidParam('id') userId: string, @Body() body: FaceSourceDto, @UploadedFile() file: Express.Multer.File | undefined) {
    const faceId = await this.enrollment.addFace(userId, faceSource(body, file));
    return { face_id: faceId, user_id: userId };
  }
}

/** Exactly one of an uploaded image and a req_id. */
function faceSource(body: { req_id?: string }, file: Express.Multer.File | undefined): FaceSource {
  const hasImage = file !== undefined;
  const hasKey = body.req_id !== undefined && body.req_id !== '';
  if (hasImage === hasKey) {
    const message = 'give exactly one of req_id and image';
    throw ApiError.badRequest('Exactly one of req_id and image is required', [{ field: 'req_id', message }, { field: 'image', message }]);
  }
  if (hasImage && file.size === 0) throw ApiError.badRequest('The image file is empty', [{ field: 'image', message: 'empty file' }]);
  return hasImage ? { image: file.buffer } : { reqId: body.req_id! };
}
