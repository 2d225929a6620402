import { Module } from '@nestjs/common';
import { AccountsModule } from '../accounts/accounts.module';
import { AircallModule } from '../aircall/aircall.module';
import { CryptoModule } from '../crypto/crypto.module';
import { OAuthController } from './oauth.controller';
import { OAuthInstallService } from './oauth-install.service';
import { OAuthStateStore } from './oauth-state';

/** GET /oauth/install and /oauth/callback: the Technology Partner install flow. */
@Module({
  imports: [AccountsModule, AircallModule, CryptoModule],
  controllers: [OAuthController],
  providers: [OAuthInstallService, OAuthStateStore],
})
export class OAuthModule {}
