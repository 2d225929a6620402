import {
  aNumber,
  aTag,
  aTeam,
  aUser,
  answeredCallHistory,
  envelope,
  missedCallHistory,
  TimedEvent,
} from '../../test/support/aircall-builders';

const TOKEN_MARK = '__BENCH_TOKEN__';

/** Where the test builders' recording and voicemail links point (hosts that never answer). */
const BUILDER_MEDIA: ReadonlyArray<[host: string, folder: string]> = [
  ['https://aircall-recordings.example/', 'recordings'],
  ['https://aircall-voicemails.example/', 'voicemails'],
];

/**
 * An endless stream of distinct, realistic webhook deliveries for many calls and accounts.
 *
 * A pool of call histories (answered-and-transferred calls with tags, comments and assignment; missed
 * calls ending in voicemail; different agents, teams, lines and tags) is built once with the test
 * builders and serialised; each delivery then takes the next event of the next call and gives it a
 * fresh call id (every occurrence of the template's id, so links, recording URLs and comment ids
 * follow) and its account's token. No two deliveries share a fingerprint, so nothing is deduplicated.
 * With `mediaBase`, the recording and voicemail links point there (`<mediaBase>/recordings/<id>.mp3`
 * …) instead of the builders' hosts, so a service archiving them has a host to fetch them from.
 */
export class WebhookDeliveries {
  /** Per template call: per event, the JSON split around the template's call id. */
  private readonly templates: string[][][] = [];
  private callIndex = 0;
  private eventIndex = 0;
  produced = 0;

  constructor(
    private readonly tokens: readonly string[],
    templateCalls = 200,
    private readonly firstCallId = 3_000_000_000,
    mediaBase?: string,
  ) {
    const agents = Array.from({ length: 25 }, (_, i) => aUser({ name: `Agent ${i}` }));
    const teams = Array.from({ length: 5 }, (_, i) => aTeam({ name: `Team ${i}` }));
    const tags = Array.from({ length: 8 }, (_, i) => aTag({ name: `tag-${i}` }));
    const lines = Array.from({ length: 6 }, (_, i) => aNumber({ name: `Line ${i}` }));
    for (let i = 0; i < templateCalls; i++) {
      const start = 1_717_236_000 + i * 97;
      const history: TimedEvent[] =
        i % 4 === 3
          ? missedCallHistory({ start })
          : answeredCallHistory({
              start,
              agent: agents[i % agents.length],
              colleague: agents[(i * 7 + 3) % agents.length],
              team: teams[i % teams.length],
              tag: tags[i % tags.length],
            });
      const callId = String(history[0].data.id);
      const line = lines[i % lines.length];
      const serialised = (e: TimedEvent) => {
        let json = JSON.stringify(envelope(e.event, { ...e.data, number: line }, e.timestamp, TOKEN_MARK));
        if (mediaBase)
          for (const [host, folder] of BUILDER_MEDIA) json = json.split(host).join(`${mediaBase}/${folder}/`);
        return json;
      };
      this.templates.push(history.map((e) => serialised(e).split(callId)));
    }
  }

  /** Mean size of a delivery body in bytes (for the report). */
  get meanBodyBytes(): number {
    const sizes = this.templates.flat().map((parts) => parts.join('1234567890').length);
    return Math.round(sizes.reduce((a, b) => a + b, 0) / sizes.length);
  }

  /** The JSON body of the next delivery. */
  next(): string {
    const template = this.templates[this.callIndex % this.templates.length];
    const callId = String(this.firstCallId + this.callIndex);
    const token = this.tokens[this.callIndex % this.tokens.length];
    const body = template[this.eventIndex].join(callId).replace(TOKEN_MARK, token);
    this.produced++;
    if (++this.eventIndex >= template.length) {
      this.eventIndex = 0;
      this.callIndex++;
    }
    return body;
  }
}
