import { Module } from '@nestjs/common';
import { ConsolePage } from './console-page';
import { WhoAmIController } from './whoami.controller';

/**
 * The admin console at /admin (a browser page over the public REST API, signed in with an
 * admin key) and the key check it signs in with. API side only.
 */
@Module({
  controllers: [WhoAmIController],
  providers: [ConsolePage],
})
export class AdminConsoleModule {}
