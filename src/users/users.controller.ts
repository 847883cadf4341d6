import { Controller, Delete, Get, HttpCode, Query } from '@nestjs/common';
import { ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { ApiErrorResponses } from '../common/error-envelope.dto.js';
import { UuidParam } from '../common/uuid-param.js';
import { ListUsersQuery } from './dto/list-users.query.js';
import { UserDto, UserPageDto } from './dto/user.dto.js';
import { UsersService } from './users.service.js';

@ApiTags('users')
@ApiErrorResponses(401, 429, 503)
@Controller('api/v1/users')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Get()
  @ApiOperation({ summary: 'List users, oldest first, with cursor paging' })
  @ApiOkResponse({ type: UserPageDto })
  @ApiErrorResponses(400)
  list(@Query() query: ListUsersQuery): Promise<UserPageDto> {
    return this.users.list(query.limit, query.cursor);
  }

  @Get(':id')
  @ApiOperation({ summary: 'Get one user with their number of enrolled faces' })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiOkResponse({ type: UserDto })
  @ApiErrorResponses(400, 404)
  get(@UuidParam('id') id: string): Promise<UserDto> {
    return this.users.get(id);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a user and erase every face vector of theirs' })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiNoContentResponse({ description: 'Deleted; their face no longer matches' })
  @ApiErrorResponses(400, 404)
  delete(@UuidParam('id') id: string): Promise<void> {
    return this.users.delete(id);
  }
}
