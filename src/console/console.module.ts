import { Module } from '@nestjs/common';
import { ConsoleController } from './console.controller';

/** GET /admin: the admin console, a static page that talks to the service only through POST /graphql. */
@Module({ controllers: [ConsoleController] })
export class ConsoleModule {}
