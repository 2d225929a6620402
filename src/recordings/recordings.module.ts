import { Module } from '@nestjs/common';
import { AccountsModule } from '../accounts/accounts.module';
import { AircallModule } from '../aircall/aircall.module';
import { CallsModule } from '../calls/calls.module';
import { AppConfig } from '../config/app-config';
import { CryptoModule } from '../crypto/crypto.module';
import { CallMediaRepository } from './call-media.repository';
import { CallMediaResolver } from './call-media.resolver';
import { MediaLinkRefresher } from './media-link-refresher';
import { RecordingArchiveResolver } from './recording-archive.resolver';
import { RecordingArchiver } from './recording-archiver';
import { RecordingRetention } from './recording-retention';
import { createRecordingStorage, RECORDING_STORAGE } from './recording-storage';
import { RecordingsController } from './recordings.controller';

/**
 * Recordings and voicemails (RECORDINGS): fresh Aircall links on read, and with `archive` the
 * downloads into the storage (RecordingArchiver), the signed file route, retention and purge.
 */
@Module({
  imports: [AircallModule, AccountsModule, CallsModule, CryptoModule],
  controllers: [RecordingsController],
  providers: [
    { provide: RECORDING_STORAGE, useFactory: createRecordingStorage, inject: [AppConfig] },
    CallMediaRepository,
    MediaLinkRefresher,
    RecordingArchiver,
    RecordingRetention,
    CallMediaResolver,
    RecordingArchiveResolver,
  ],
  exports: [CallMediaRepository, RecordingArchiver, RECORDING_STORAGE],
})
export class RecordingsModule {}
