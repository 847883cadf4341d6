import { Controller, Delete, Get, HttpCode, Query } from '@nestjs/common';
import { ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { ApiErrorResponse, ApiErrorResponses } from '../common/error-envelope.dto.js';
import { UuidParam } from '../common/uuid-param.js';
import { ListUsersQuery } from './dto/list-users.query.js';
import { UserDto, UserPageDto, UserResponseDto } from './dto/user.dto.js';
import { UsersService } from './users.service.js';

@ApiTags('users')
@ApiErrorResponses(401, 429, 500, 503)
@Controller('api/v1/users')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Get()
  @ApiOperation({ operationId: 'listUsers', summary: 'List users, oldest first, with cursor paging' })
  @ApiOkResponse({ description: 'One page of users', type: UserPageDto })
  @ApiErrorResponse(400, 'invalidLimit', 'invalidCursor')
  list(@Query() query: ListUsersQuery): Promise<Omit<UserPageDto, 'requestId'>> {
    return this.users.list(query.limit, query.cursor);
  }

  @Get(':id')
  @ApiOperation({ operationId: 'getUser', summary: 'Get one user with their number of enrolled faces' })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiOkResponse({ description: 'The user', type: UserResponseDto })
  @ApiErrorResponse(400, 'invalidId')
  @ApiErrorResponse(404, 'userNotFound')
  get(@UuidParam('id') id: string): Promise<UserDto> {
    return this.users.get(id);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ operationId: 'deleteUser', summary: 'Delete a user and erase every face vector of theirs' })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiNoContentResponse({ description: 'Deleted; their face no longer matches' })
  @ApiErrorResponse(400, 'invalidId')
  @ApiErrorResponse(404, 'userNotFound')
  delete(@UuidParam('id') id: string): Promise<void> {
    return this.users.delete(id);
  }
}
