import { Module } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { resolveEncryptionKey } from './encryption-key';
import { SecretBox } from './secret-box';

/** Secrets at rest: the SecretBox sealing credentials under ENCRYPTION_KEY (or the generated SQLite key). */
@Module({
  providers: [
    {
      provide: SecretBox,
      inject: [AppConfig],
      useFactory: (config: AppConfig) => new SecretBox(resolveEncryptionKey(config)),
    },
  ],
  exports: [SecretBox],
})
export class CryptoModule {}
