import { Body, Controller, Post, UploadedFile } from '@nestjs/common';
import { ApiCreatedResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { ApiError } from '../common/api-error.js';
import { ApiErrorResponse, ApiErrorResponses } from '../common/error-envelope.dto.js';
import { UuidParam } from '../common/uuid-param.js';
import { ImageUpload } from '../faces/image-upload.js';
import { ApiJsonOrMultipartBody } from '../docs/request-bodies.js';
import {
  AddFaceJsonBody,
  AddFaceMultipartBody,
  AddFaceResponseDto,
  AddUserDto,
  AddUserJsonBody,
  AddUserMultipartBody,
  AddUserResponseDto,
  FaceSourceDto,
} from './dto/add-user.dto.js';
import { EnrollmentService, FaceSource } from './enrollment.service.js';

@ApiTags('users')
@ApiErrorResponses(401, 409, 413, 415, 422, 429, 500, 503)
@Controller('api/v1')
export class EnrollmentController {
  constructor(private readonly enrollment: EnrollmentService) {}

  @Post('add_user')
  @ImageUpload()
  @ApiOperation({
    operationId: 'addUser',
    summary: 'Enroll a person with a req_id from recognise_user or with a photo',
    description:
      'JSON with `req_id`, or multipart with exactly one of `req_id` and `image`. A req_id is single-use; a refused ' +
      'enrollment (409) leaves it usable. The same face already enrolled as someone else is a 409 naming them.',
  })
  @ApiJsonOrMultipartBody(AddUserJsonBody, AddUserMultipartBody)
  @ApiCreatedResponse({ description: 'Enrolled', type: AddUserResponseDto })
  @ApiErrorResponse(400, 'invalidField', 'neitherKeyNorImage', 'unexpectedField', 'malformedJson')
  @ApiErrorResponse(404, 'enrollmentKeyNotFound')
  async addUser(@Body() body: AddUserDto, @UploadedFile() file: Express.Multer.File | undefined) {
    const userId = await this.enrollment.addUser({ name: body.name, birthdate: body.birthdate, email: body.email }, faceSource(body, file));
    return { status: 'success', message: 'User added successfully', user_id: userId };
  }

  @Post('users/:id/faces')
  @ImageUpload()
  @ApiOperation({
    operationId: 'addFace',
    summary: 'Add another face of the same person; recognition matches against all of them',
    description: 'JSON with `req_id`, or multipart with exactly one of `req_id` and `image`.',
  })
  @ApiParam({ name: 'id', format: 'uuid', description: 'The user' })
  @ApiJsonOrMultipartBody(AddFaceJsonBody, AddFaceMultipartBody)
  @ApiCreatedResponse({ description: 'Face added', type: AddFaceResponseDto })
  @ApiErrorResponse(400, 'invalidId', 'neitherKeyNorImage', 'unexpectedField', 'malformedJson')
  @ApiErrorResponse(404, 'userNotFound', 'enrollmentKeyNotFound')
  @ApiErrorResponse(409, 'faceAlreadyEnrolled')
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
    throw ApiError.badRequest('Exactly one of req_id and image is required', [
      { field: 'req_id', message },
      { field: 'image', message },
    ]);
  }
  if (hasImage && file.size === 0) throw ApiError.badRequest('The image file is empty', [{ field: 'image', message: 'empty file' }]);
  return hasImage ? { image: file.buffer } : { reqId: body.req_id! };
}
