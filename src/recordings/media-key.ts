/** `accounts/<account>/calls/<call>/<kind>.<ext>`: every file of an account under one prefix. */
export function mediaKey(accountId: string, callId: string, kind: string, contentType: string): string {
  const extension =
    contentType === 'audio/mpeg' || contentType === 'audio/mp3'
      ? 'mp3'
      : contentType === 'audio/wav' || contentType === 'audio/x-wav'
        ? 'wav'
        : 'bin';
  return `${accountPrefix(accountId)}calls/${callId}/${kind}.${extension}`;
}

export function accountPrefix(accountId: string): string {
  return `accounts/${accountId}/`;
}
