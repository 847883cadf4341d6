import { ApiProperty, ApiPropertyOptional, ApiSchema, IntersectionType, PickType } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  IsEmail,
  IsNotEmpty,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  Validate,
  ValidatorConstraint,
  ValidatorConstraintInterface,
} from 'class-validator';
import { REQUEST_ID_PROPERTY } from '../../common/error-envelope.dto.js';

const EARLIEST_BIRTHDATE = '1900-01-01';

/** A real calendar date in YYYY-MM-DD, between 1900-01-01 and today (UTC). */
@ValidatorConstraint({ name: 'pastCalendarDate' })
class PastCalendarDate implements ValidatorConstraintInterface {
  validate(value: unknown): boolean {
    if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
    const date = new Date(`${value}T00:00:00Z`);
    const realDate = !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === value;
    const today = new Date().toISOString().slice(0, 10);
    return realDate && value >= EARLIEST_BIRTHDATE && value <= today;
  }

  defaultMessage(): string {
    return `birthdate must be a real date in YYYY-MM-DD form, from ${EARLIEST_BIRTHDATE} up to today`;
  }
}

const REQ_ID_DOC = { maxLength: 64, description: 'Enrollment key from recognise_user (single-use)', example: 'Yh3q0Jm1cR8tq2nV7sWk9A' };
const IMAGE_DOC = { type: 'string', format: 'binary', description: 'JPEG, PNG or WebP (by content), at most MAX_UPLOAD_BYTES' } as const;

/**
 * Validates where a face comes from: exactly one of an enrollment key or (multipart) a photo.
 * The request-body schemas below document the two encodings separately, since JSON carries no file.
 */
export class FaceSourceDto {
  @IsOptional()
  @IsString()
  @MaxLength(64)
  req_id?: string;
}

/** Validates a person's details plus where their first face comes from. */
export class AddUserDto extends FaceSourceDto {
  @ApiProperty({
    minLength: 1,
    maxLength: 200,
    example: 'John Doe',
    description:
      'Normalised to Unicode NFC, then stored and returned as sent. Must contain a letter or digit; ' +
      'control characters and bidirectional controls (U+202A–U+202E, U+2066–U+2069, U+200E, U+200F, U+061C) are refused.',
  })
  // NFC first, so one name has one spelling (and one length) whichever way a keyboard composed it.
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.normalize('NFC') : value))
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  // A name only of invisible characters (U+200B, U+200D, U+FEFF, spaces) shows as blank everywhere.
  @Matches(/[\p{L}\p{N}]/u, { message: 'name must contain a letter or digit' })
  // PostgreSQL text cannot hold NUL, and control characters in a name only serve log or terminal tricks.
  @Matches(/^\P{Cc}*$/u, { message: 'name must not contain control characters' })
  // Bidi controls reorder the text shown after the name (in lists, logs, e-mails): spoofing, not spelling.
  @Matches(/^\P{Bidi_Control}*$/u, { message: 'name must not contain bidirectional control characters' })
  name: string;

  @ApiProperty({ format: 'date', example: '1990-01-01', description: `A real date from ${EARLIEST_BIRTHDATE} up to today` })
  @Validate(PastCalendarDate)
  birthdate: string;

  @ApiPropertyOptional({ format: 'email', maxLength: 320, description: 'Unique when given; stored in lower case' })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim().toLowerCase() : value))
  @IsEmail({}, { message: 'email must be a valid address' })
  @MaxLength(320)
  email?: string;
}

@ApiSchema({ name: 'AddFaceJson', description: 'Add the face of an earlier no-match by its `req_id`' })
export class AddFaceJsonBody {
  @ApiProperty(REQ_ID_DOC) req_id: string;
}

@ApiSchema({ name: 'AddFaceMultipart', description: 'Exactly one of `req_id` and `image`' })
export class AddFaceMultipartBody {
  @ApiPropertyOptional(REQ_ID_DOC) req_id?: string;
  @ApiPropertyOptional(IMAGE_DOC) image?: unknown;
}

const PersonFields = PickType(AddUserDto, ['name', 'birthdate', 'email'] as const);

@ApiSchema({ name: 'AddUserJson', description: 'Enroll the face of an earlier no-match by its `req_id`' })
export class AddUserJsonBody extends IntersectionType(PersonFields, AddFaceJsonBody) {}

@ApiSchema({ name: 'AddUserMultipart', description: 'Exactly one of `req_id` and `image`' })
export class AddUserMultipartBody extends IntersectionType(PersonFields, AddFaceMultipartBody) {}

@ApiSchema({ name: 'AddUserResponse' })
export class AddUserResponseDto {
  @ApiProperty({ enum: ['success'] }) status: 'success';
  @ApiProperty({ enum: ['User added successfully'] }) message: string;
  @ApiProperty({ format: 'uuid' }) user_id: string;
  @ApiProperty(REQUEST_ID_PROPERTY) requestId: string;
}

@ApiSchema({ name: 'AddFaceResponse' })
export class AddFaceResponseDto {
  @ApiProperty({ format: 'uuid' }) face_id: string;
  @ApiProperty({ format: 'uuid' }) user_id: string;
  @ApiProperty(REQUEST_ID_PROPERTY) requestId: string;
}
