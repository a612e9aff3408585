import { Controller, Get } from '@nestjs/common';
import { SkipThrottle } from '@nestjs/throttler';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { RequireScope } from '../common/auth';
import { WhoAmIDto } from './dto/whoami.dto';

/**
 * Lets the admin console (or any client) check a key before using it: 200 for an admin key,
 * 403 for a submit key, 401 for anything else. It changes nothing; failed attempts count
 * against the per-IP failed-authentication budget like every other authenticated route.
 */
@ApiTags('admin')
@SkipThrottle()
@Controller('v1/admin')
export class WhoAmIController {
  @Get('whoami')
  @RequireScope('admin')
  @ApiOperation({
    summary: 'Check an admin API key',
    description:
      'Answers 200 `{scope: "admin"}` for an admin key, 403 for a submit key and 401 for a missing or unknown one. The admin console signs in with it.',
  })
  @ApiOkResponse({ type: WhoAmIDto })
  whoami(): WhoAmIDto {
    return { scope: 'admin' };
  }
}
