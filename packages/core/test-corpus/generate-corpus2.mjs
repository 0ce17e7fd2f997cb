// Builds corpus2.json, a second labeled corpus written independently of corpus.json: other
// phrasing (support chats, log lines, tickets, config files, shell history, in the style of
// Presidio's evaluation templates), values next to punctuation, the provider keys an agent app
// holds, and hard negatives (versions, build ids, asset names, placeholders, hashes, UUIDs,
// base64 blobs, order and tracking numbers, dates, prices).
//
// Two splits from two seeds: `dev` (looked at while changing the detectors) and `heldout`
// (never used to tune: report it, do not fix against it). Deterministic:
// `node generate-corpus2.mjs && npx biome format --write corpus2.json`.
// Every value is synthetic; secrets follow the providers' documented formats with random bodies.
import { writeFileSync } from 'node:fs';

function makeRng(seed) {
  let s = seed | 0;
  return () => {
    s = (s + 0x6d2b79f5) | 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function build(seed, size) {
  const rand = makeRng(seed);
  const int = (a, b) => a + Math.floor(rand() * (b - a + 1));
  const pick = (xs) => xs[int(0, xs.length - 1)];
  const digits = (n) => Array.from({ length: n }, () => int(0, 9)).join('');
  const chars = (n, alphabet) =>
    Array.from({ length: n }, () => alphabet[int(0, alphabet.length - 1)]).join('');
  const UP = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
  const LO = 'abcdefghijklmnopqrstuvwxyz';
  const B62 = `0123456789${UP}${LO}`;
  const B64U = `${B62}-_`;
  const HEX = '0123456789abcdef';
  // Random material of the given alphabet with at least one of each class it has (real keys
  // of these lengths virtually always do).
  const mixed = (n, alphabet) => {
    for (;;) {
      const v = chars(n, alphabet);
      if (!/[A-Z]/.test(alphabet) || /[A-Z]/.test(v))
        if (!/[a-z]/.test(alphabet) || /[a-z]/.test(v))
          if (!/[0-9]/.test(alphabet) || /[0-9]/.test(v)) return v;
    }
  };

  // ---- personal data -----------------------------------------------------------------------
  const luhn = (body) => {
    let sum = 0;
    for (let i = 0; i < body.length; i++) {
      let d = Number(body[body.length - 1 - i]);
      if (i % 2 === 0) {
        d *= 2;
        if (d > 9) d -= 9;
      }
      sum += d;
    }
    return String((10 - (sum % 10)) % 10);
  };
  const card = () => {
    const [pre, len] = pick([
      ['4', 16],
      ['4', 16],
      ['53', 16],
      ['2720', 16],
      ['37', 15],
      ['6011', 16],
      ['3530', 16],
      ['62', 16],
      ['38', 14],
    ]);
    const body = pre + digits(len - pre.length - 1);
    const n = body + luhn(body);
    if (len === 15) return pick([n, `${n.slice(0, 4)} ${n.slice(4, 10)} ${n.slice(10)}`]);
    if (len !== 16) return n;
    const g = n.match(/.{4}/g);
    return pick([g.join(' '), g.join('-'), n, g.join(' ')]);
  };
  const ssn = () => {
    let a;
    do a = int(1, 899);
    while (a === 666);
    const v = [
      String(a).padStart(3, '0'),
      String(int(1, 99)).padStart(2, '0'),
      String(int(1, 9999)).padStart(4, '0'),
    ];
    return pick(['-', '-', '-', ' ']) === ' ' ? v.join(' ') : v.join('-');
  };
  const nanp3 = () => {
    for (;;) {
      const v = `${int(2, 9)}${digits(2)}`;
      if (v[1] !== '1' || v[2] !== '1') return v;
    }
  };
  const phone = () => {
    const a = nanp3();
    const e = nanp3();
    const l = digits(4);
    return pick([
      `(${a}) ${e}-${l}`,
      `${a}-${e}-${l}`,
      `+1 ${a}-${e}-${l}`,
      `+1.${a}.${e}.${l}`,
      `+44 7${digits(3)} ${digits(6)}`,
      `+44 (0)20 ${digits(4)} ${digits(4)}`,
      `+49 ${int(151, 179)} ${digits(8)}`,
      `+33 ${int(6, 7)} ${digits(2)} ${digits(2)} ${digits(2)} ${digits(2)}`,
      `+34 ${int(6, 7)}${digits(2)} ${digits(2)} ${digits(2)} ${digits(2)}`,
      `+39 3${digits(2)} ${digits(3)} ${digits(4)}`,
      `+31 6 ${digits(8)}`,
      `+91-${int(7, 9)}${digits(4)}-${digits(5)}`,
      `+86 1${int(3, 9)}${digits(1)} ${digits(4)} ${digits(4)}`,
      `+81 90-${digits(4)}-${digits(4)}`,
      `+82 10-${digits(4)}-${digits(4)}`,
      `+55 11 9${digits(4)}-${digits(4)}`,
      `+52 55 ${digits(4)} ${digits(4)}`,
      `+61 4${digits(2)} ${digits(3)} ${digits(3)}`,
      `+65 ${int(8, 9)}${digits(3)} ${digits(4)}`,
      `+971 5${int(0, 8)} ${digits(3)} ${digits(4)}`,
      `+27 ${int(60, 84)} ${digits(3)} ${digits(4)}`,
      `+353 8${int(3, 9)} ${digits(3)} ${digits(4)}`,
      `+7 (9${digits(2)}) ${digits(3)}-${digits(2)}-${digits(2)}`,
      `0044 20 ${digits(4)} ${digits(4)}`,
    ]);
  };
  const email = () => {
    const first = pick([
      'maria',
      'tom',
      'aiko',
      'chidi',
      'ravi',
      'ingrid',
      'luca',
      'yuki',
      'amir',
      'elena',
      'sam',
      'nora',
      'wei',
    ]);
    const last = pick([
      'garcia',
      'nguyen',
      'mueller',
      'adeyemi',
      'kowalski',
      'dubois',
      'sato',
      'costa',
      'ivanova',
      'obrien',
    ]);
    const local = pick([
      `${first}.${last}`,
      first,
      `${first[0]}.${last}`,
      `${first}${int(1, 99)}`,
      `${last}-${first}`,
      `${first}+billing`,
      `${first}_${last}`,
    ]);
    const domain = pick([
      'example.com',
      'example.net',
      'shop.example.org',
      'mail.example.co.jp',
      'example.com.br',
      'team.example.dev',
      'example.ai',
    ]);
    return `${local}@${domain}`;
  };
  const ipv4 = () => `${int(11, 223)}.${int(0, 255)}.${int(0, 255)}.${int(1, 254)}`;
  const h16 = () => int(1, 0xffff).toString(16);
  const ip = () =>
    pick([
      ipv4(),
      ipv4(),
      ipv4(),
      `2001:db8:${h16()}::${h16()}`,
      `fe80::${h16()}:${h16()}:${h16()}%${pick(['eth0', 'en0', 'wlan0', 'ens3', '12'])}`,
      `2600:1f18:${h16()}:${h16()}:${h16()}:${h16()}:${h16()}:${h16()}`,
      `::ffff:${ipv4()}`,
    ]);
  const IBAN = {
    DE: ['8n', '10n'],
    GB: ['4a', '6n', '8n'],
    FR: ['5n', '5n', '11n', '2n'],
    NL: ['4a', '10n'],
    ES: ['4n', '4n', '2n', '10n'],
    IT: ['1a', '5n', '5n', '12n'],
    BE: ['3n', '7n', '2n'],
    PL: ['8n', '16n'],
    CH: ['5n', '12n'],
    AT: ['5n', '11n'],
    PT: ['4n', '4n', '11n', '2n'],
    NO: ['4n', '6n', '1n'],
  };
  const mod97 = (str) => {
    let r = 0;
    for (const ch of str)
      r = /\d/.test(ch) ? (r * 10 + Number(ch)) % 97 : (r * 100 + ch.charCodeAt(0) - 55) % 97;
    return r;
  };
  const iban = () => {
    const cc = pick(Object.keys(IBAN));
    let bban = '';
    for (const f of IBAN[cc]) {
      const n = Number(f.slice(0, -1));
      bban += f.endsWith('n') ? digits(n) : chars(n, UP);
    }
    const check = String(98 - mod97(`${bban}${cc}00`)).padStart(2, '0');
    const compact = `${cc}${check}${bban}`;
    const groups = compact.match(/.{1,4}/g);
    return pick([compact, groups.join(' '), groups.join('-'), groups.join(' ')]);
  };

  // ---- secrets: [type, provider, value] ------------------------------------------------------
  const secret = () => {
    const fam = pick(FAMILIES);
    return [fam[0], fam[1], fam[2]()];
  };
  const FAMILIES = [
    ['API_KEY', 'openai', () => `sk-proj-${mixed(74, B64U)}T3BlbkFJ${mixed(74, B64U)}`],
    ['API_KEY', 'openai', () => `sk-${mixed(20, B62)}T3BlbkFJ${mixed(20, B62)}`],
    ['API_KEY', 'openai', () => `sk-svcacct-${mixed(74, B64U)}T3BlbkFJ${mixed(74, B64U)}`],
    ['API_KEY', 'anthropic', () => `sk-ant-api03-${mixed(93, B64U)}AA`],
    ['API_KEY', 'google', () => `AIza${mixed(35, B64U)}`],
    ['API_KEY', 'azure-openai', () => mixed(32, HEX)],
    ['API_KEY', 'huggingface', () => `hf_${mixed(34, UP + LO)}`],
    ['API_KEY', 'cohere', () => mixed(40, B62)],
    ['API_KEY', 'mistral', () => mixed(32, B62)],
    ['API_KEY', 'groq', () => `gsk_${mixed(52, B62)}`],
    ['API_KEY', 'replicate', () => `r8_${mixed(37, B62)}`],
    ['API_KEY', 'pinecone', () => `pcsk_${mixed(6, B62)}_${mixed(64, B62)}`],
    ['API_KEY', 'gitlab', () => `glpat-${mixed(20, B64U)}`],
    ['API_KEY', 'npm', () => `npm_${mixed(36, B62)}`],
    ['API_KEY', 'twilio', () => `SK${mixed(32, HEX)}`],
    ['API_KEY', 'sendgrid', () => `SG.${mixed(22, B64U)}.${mixed(43, B64U)}`],
    [
      'API_KEY',
      'discord',
      () =>
        `${Buffer.from(`1${digits(17)}`)
          .toString('base64')
          .replace(/=+$/, '')}.${mixed(6, B64U)}.${mixed(27, B64U)}`,
    ],
    ['API_KEY', 'telegram', () => `${int(1, 9)}${digits(int(7, 9))}:AA${mixed(33, B64U)}`],
    ['API_KEY', 'shopify', () => `${pick(['shpat', 'shpss', 'shpca'])}_${mixed(32, HEX)}`],
    ['API_KEY', 'supabase', () => `sbp_${mixed(40, HEX)}`],
    ['API_KEY', 'databricks', () => `dapi${mixed(32, HEX)}`],
    [
      'AWS_ACCESS_KEY_ID',
      'aws',
      () => `${pick(['AKIA', 'ASIA'])}${mixed(16, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567')}`,
    ],
    ['AWS_SECRET_ACCESS_KEY', 'aws', () => mixed(40, `${B62}/+`)],
    [
      'GITHUB_TOKEN',
      'github',
      () => `${pick(['ghp', 'gho', 'ghu', 'ghs', 'ghr'])}_${mixed(36, B62)}`,
    ],
    ['GITHUB_TOKEN', 'github', () => `github_pat_${mixed(22, B62)}_${mixed(59, B62)}`],
    ['SLACK_TOKEN', 'slack', () => `xoxb-${digits(11)}-${digits(13)}-${mixed(24, B62)}`],
    ['STRIPE_KEY', 'stripe', () => `${pick(['sk', 'rk'])}_live_${mixed(99, B62)}`],
    [
      'JWT',
      'jwt',
      () =>
        `${b64u(JSON.stringify({ alg: pick(['HS256', 'RS256', 'ES256']), typ: 'JWT' }))}.${b64u(JSON.stringify({ sub: digits(8), iat: 1700000000 + int(0, 9e7) }))}.${mixed(43, B64U)}`,
    ],
    [
      'PRIVATE_KEY',
      'pem',
      () => {
        const label = `${pick(['', 'RSA ', 'EC ', 'OPENSSH '])}PRIVATE KEY`;
        return `-----BEGIN ${label}-----\n${mixed(64, `${B62}+/`)}\n${mixed(64, `${B62}+/`)}\n${mixed(24, `${B62}+/`)}==\n-----END ${label}-----`;
      },
    ],
    [
      'PRIVATE_KEY',
      'gcp-service-account',
      () =>
        `-----BEGIN PRIVATE KEY-----\\n${mixed(64, `${B62}+/`)}\\n${mixed(64, `${B62}+/`)}\\n${mixed(20, `${B62}+/`)}=\\n-----END PRIVATE KEY-----`,
    ],
    [
      'URL_CREDENTIALS',
      'connection-string',
      () => `${pick(['deploy', 'app_rw', 'svc'])}:${mixed(16, B62)}`,
    ],
  ];
  const b64u = (t) => Buffer.from(t).toString('base64url');
  // Where each family's value sits in text.
  const placeSecret = (type, provider, v) => {
    const env = {
      openai: 'OPENAI_API_KEY',
      anthropic: 'ANTHROPIC_API_KEY',
      google: 'GEMINI_API_KEY',
      'azure-openai': 'AZURE_OPENAI_API_KEY',
      huggingface: 'HF_TOKEN',
      cohere: 'COHERE_API_KEY',
      mistral: 'MISTRAL_API_KEY',
      groq: 'GROQ_API_KEY',
      replicate: 'REPLICATE_API_TOKEN',
      pinecone: 'PINECONE_API_KEY',
      gitlab: 'GITLAB_TOKEN',
      npm: 'NPM_TOKEN',
      twilio: 'TWILIO_API_KEY',
      sendgrid: 'SENDGRID_API_KEY',
      discord: 'DISCORD_BOT_TOKEN',
      telegram: 'TELEGRAM_BOT_TOKEN',
      shopify: 'SHOPIFY_ACCESS_TOKEN',
      supabase: 'SUPABASE_ACCESS_TOKEN',
      databricks: 'DATABRICKS_TOKEN',
      github: 'GITHUB_TOKEN',
      slack: 'SLACK_BOT_TOKEN',
      stripe: 'STRIPE_SECRET_KEY',
      jwt: 'SESSION_TOKEN',
      aws: 'AWS_ACCESS_KEY_ID',
    }[provider];
    if (type === 'AWS_SECRET_ACCESS_KEY')
      return pick([
        `aws_secret_access_key = ${v}`,
        `"SecretAccessKey": "${v}"`,
        `export AWS_SECRET_ACCESS_KEY=${v}`,
      ]);
    if (provider === 'gcp-service-account')
      return `{"type": "service_account", "project_id": "demo-${int(100, 999)}", "private_key": "${v}\\n", "client_id": "${digits(21)}"}`;
    if (type === 'PRIVATE_KEY') return pick([`here is the deploy key:\n${v}\nthanks`, `${v}`]);
    if (type === 'URL_CREDENTIALS')
      return pick([
        `DATABASE_URL=postgres://${v}@db.internal:5432/orders`,
        `mongo uri is mongodb+srv://${v}@cluster0.example.net/test`,
        `connecting to redis://${v}@cache-1:6379/0 ...`,
        `jdbc fallback: mysql://${v}@db-replica.internal/app`,
      ]);
    if (provider === 'cohere' || provider === 'mistral' || provider === 'azure-openai')
      return pick([
        `${env}=${v}`,
        `"${env.toLowerCase()}": "${v}",`,
        `export ${env}="${v}"`,
        provider === 'azure-openai'
          ? `curl $ENDPOINT -H "api-key: ${v}" -d @body.json`
          : `${env}: ${v}`,
      ]);
    return pick([
      `${env}=${v}`,
      `export ${env}="${v}"`,
      `"${env.toLowerCase()}": "${v}",`,
      `hey, is it ok that I pasted ${v} in the channel? it's our prod key`,
      `[worker] auth with token=${v} failed (401)`,
      `-H "Authorization: Bearer ${v}"`,
      `key (${v}) rotated yesterday`,
      `Config: {${env.toLowerCase()}: '${v}'}`,
    ]);
  };

  // ---- positive templates: [text builder] -> [text, entities] --------------------------------
  const P = [];
  const one = (type, gen, templates) => {
    for (const t of templates)
      P.push(() => {
        const v = gen();
        return [t.replace('{}', v), [[type, v]]];
      });
  };
  one('EMAIL', email, [
    'Hi, I never got the reset link, my login is {}',
    'Please CC {} on the ticket.',
    'Customer wrote from <{}> asking for a refund',
    'reply-to: {}',
    '"email":"{}","plan":"pro"',
    'can you change my address to ({}) please?',
    '2024-05-02T10:11:12Z INFO mailer sent receipt to={} id=8812',
    'Forwarded by {}; see thread below.',
    'Contact: {}.',
    'my new mail is {}, the old one is closed',
  ]);
  one('CREDIT_CARD', card, [
    'I was charged twice on my card ({}), can you check?',
    'card number: {} exp 08/27 cvv on the back',
    'Payment failed for card [{}] reason=do_not_honor',
    'pls refund to {} thx',
    'The Visa ending... actually the full one is {}.',
    '"pan": "{}"',
    'card={};amount=42.00',
    'my cc is {} and it expires next month',
  ]);
  one('US_SSN', ssn, [
    'SSN ({}) for the tax form',
    'my social is {}',
    'Applicant SSN: {}.',
    'ssn={}&dob=1984-03-02',
    'The W-9 lists {} as the SSN.',
    'social security number {}, please keep it private',
  ]);
  one('PHONE_NUMBER', phone, [
    'Call me back at {} after 6pm',
    'Phone: {}',
    'my mobile is {}.',
    'Reach our office on {} (mon-fri)',
    'WhatsApp {} if urgent',
    'contact number ({}) is wrong on the invoice',
    'tel={}',
  ]);
  one('IP_ADDRESS', ip, [
    'Failed password for root from {} port 52144 ssh2',
    'client={} method=GET path=/api/v1/orders status=500',
    'blocked IP ({}) after 30 attempts',
    'My IP is {}, can you whitelist it?',
    'upstream connect error to {}',
    'X-Forwarded-For: {}',
  ]);
  one('IBAN', iban, [
    'Please wire it to IBAN {}',
    'IBAN: {} (Sparkasse)',
    'Bank details: {}, BIC on request',
    'refund account ({}) please',
  ]);
  for (let k = 0; k < 10; k++)
    P.push(() => {
      const [type, provider, v] = secret();
      const value = type === 'URL_CREDENTIALS' ? v : v;
      return [placeSecret(type, provider, v), [[type, value, provider]]];
    });
  // Two values in one text.
  P.push(() => {
    const e = email();
    const p = phone();
    return [
      `Name: J. Doe | Email: ${e} | Phone: ${p}`,
      [
        ['EMAIL', e],
        ['PHONE_NUMBER', p],
      ],
    ];
  });
  P.push(() => {
    const c = card();
    const s = ssn();
    return [
      `ssn ${s}, card ${c}`,
      [
        ['US_SSN', s],
        ['CREDIT_CARD', c],
      ],
    ];
  });
  P.push(() => {
    const a = ip();
    const e = email();
    return [
      `login ok user=${e} ip=${a}`,
      [
        ['EMAIL', e],
        ['IP_ADDRESS', a],
      ],
    ];
  });

  // ---- hard negatives ------------------------------------------------------------------------
  const N = [
    () =>
      `Firmware ${int(1, 9)}.${int(0, 30)}.${int(0, 9)}.${int(100, 250)} is rolling out this week`,
    () =>
      `Updated to version ${int(1, 9)}.${int(0, 20)}.${int(0, 9)}.${int(0, 200)}, still crashing`,
    () => `Build ${int(10, 99)}.${int(0, 9)}.${int(1000, 30000)}.${int(1, 999)} failed on arm64`,
    () =>
      `User-Agent: Mozilla/5.0 Chrome/${int(100, 125)}.0.${int(1000, 6999)}.${int(10, 200)} Safari/537.36`,
    () => `kernel ${int(4, 6)}.${int(0, 19)}.${int(0, 200)}.${int(1, 60)} panics on boot`,
    () =>
      `asset ${pick(['logo', 'icon', 'hero', 'avatar', 'banner'])}@${int(2, 3)}x.${pick(['png', 'webp', 'jpg'])} missing from the bundle`,
    () => `import { x } from 'pkg@${int(1, 9)}.${int(0, 9)}.${int(0, 9)}'`,
    () => `npm i react@${int(16, 19)}.${int(0, 3)}.${int(0, 9)} lodash@4.17.21`,
    () => `replace ghp_${'x'.repeat(36)} with your token`,
    () => `AWS_ACCESS_KEY_ID=AKIA${'X'.repeat(16)}`,
    () => `OPENAI_API_KEY=sk-${'x'.repeat(48)}`,
    () => `OPENAI_API_KEY=<your-key-here>`,
    () => `ANTHROPIC_API_KEY=sk-ant-api03-...`,
    () => `sk_live_${'0'.repeat(24)} is the format, do not commit real ones`,
    () => `-----BEGIN RSA PRIVATE KEY-----\n...\n-----END RSA PRIVATE KEY-----`,
    () => `Paste your key between -----BEGIN PRIVATE KEY----- and -----END PRIVATE KEY-----`,
    () => `commit ${chars(40, HEX)} fixed it`,
    () => `sha256: ${chars(64, HEX)}`,
    () => `md5 ${chars(32, HEX)}  release.tar.gz`,
    () =>
      `request id ${chars(8, HEX)}-${chars(4, HEX)}-4${chars(3, HEX)}-a${chars(3, HEX)}-${chars(12, HEX)}`,
    () => `etag "${chars(32, HEX)}"`,
    () => `data:image/png;base64,${chars(60, `${B62}+/`)}==`,
    () => `nonce=${Buffer.from(chars(24, B62)).toString('base64')}`,
    () =>
      `Order #${digits(8)} shipped, tracking 1Z${chars(16, '0123456789ABCDEFGHJKLMNPRSTUVWXYZ')}`,
    () =>
      `order number ${digits(4)} ${digits(4)} ${digits(4)} ${digits(4)} ${digits(4)} is delayed`,
    () => `reference ${digits(4)} ${digits(4)} ${digits(4)} ${digits(4)} ${digits(2)}`,
    () => `Invoice INV-${digits(4)}-${digits(6)} total $${int(10, 999)}.${digits(2)}`,
    () =>
      `Meeting on ${int(2020, 2026)}-${String(int(1, 12)).padStart(2, '0')}-${String(int(1, 28)).padStart(2, '0')} at ${int(8, 17)}:${pick(['00', '15', '30', '45'])}`,
    () =>
      `deployed at ${int(2020, 2026)}-0${int(1, 9)}-1${int(0, 9)}T${int(10, 23)}:${int(10, 59)}:${int(10, 59)}.${digits(3)}Z`,
    () => `latency p99=${int(100, 999)}ms p50=${int(10, 99)}ms over ${int(1000, 99999)} requests`,
    () => `ISBN 978-${int(0, 1)}-${digits(3)}-${digits(5)}-${int(0, 9)}`,
    () => `serial number SN${digits(10)} under warranty`,
    () => `the total came to ${int(1, 9)},${digits(3)},${digits(3)} units`,
    () => `room ${int(100, 999)}, floor ${int(1, 30)}, extension ${digits(4)}`,
    () =>
      `use 127.0.0.1 or localhost for testing (both are fine)`.replace('127.0.0.1', 'the loopback'),
    () =>
      `Thanks for reaching out! Your ticket ${pick(['#', 'no. '])}${digits(6)} has been escalated.`,
    () => `the cat walked across the keyboard and typed ${chars(12, LO)}`,
    () => `Set MISTRAL_API_KEY in your .env and restart`,
    () =>
      `winners: 3 prizes of $${int(100, 999)} each, draw ${int(1, 12)}/${int(1, 28)}/${int(2024, 2026)}`,
    () => `lat ${int(-80, 80)}.${digits(6)}, lon ${int(-170, 170)}.${digits(6)}`,
  ];

  const cases = [];
  let entities = 0;
  const seen = new Set();
  while (cases.length < size) {
    const negative = rand() < 0.35;
    if (negative) {
      const text = pick(N)();
      if (seen.has(text)) continue;
      seen.add(text);
      cases.push({ text, entities: [], kind: 'negative' });
    } else {
      const [text, ents] = pick(P)();
      if (seen.has(text)) continue;
      seen.add(text);
      entities += ents.length;
      cases.push({ text, entities: ents, kind: 'positive' });
    }
  }
  // Per-family samples: every family the same number of times, in its usual placements.
  const familyCases = [];
  for (const [type, provider, gen] of FAMILIES)
    for (let k = 0; k < 40; k++) {
      const v = gen();
      familyCases.push({
        text: placeSecret(type, provider, v),
        entities: [[type, v, provider]],
        kind: 'positive',
      });
    }
  // Random material that is not a secret: hashes, UUIDs, base64 and hex blobs, in the places
  // logs and chats put them.
  const blobCases = [];
  const blobs = [
    () => chars(32, HEX),
    () => chars(40, HEX),
    () => chars(64, HEX),
    () => chars(32, HEX).toUpperCase(),
    () =>
      `${chars(8, HEX)}-${chars(4, HEX)}-4${chars(3, HEX)}-${pick(['8', '9', 'a', 'b'])}${chars(3, HEX)}-${chars(12, HEX)}`,
    () => Buffer.from(chars(int(24, 60), B62)).toString('base64'),
    () => chars(int(20, 80), `${B62}+/`),
    () => chars(int(20, 80), B64U),
    () => chars(int(32, 48), B62),
  ];
  const blobPlaces = [
    (b) => `sha=${b}`,
    (b) => `checksum ${b} ok`,
    (b) => `trace_id: ${b}`,
    (b) => `"id": "${b}",`,
    (b) => `GET /files/${b} 200`,
    (b) => `cache key ${b} evicted`,
    (b) => b,
    (b) => `[${b}]`,
  ];
  for (let k = 0; k < 1200; k++)
    blobCases.push({ text: pick(blobPlaces)(pick(blobs)()), entities: [], kind: 'negative' });
  return { entities, cases, familyCases, blobCases };
}

const dev = build(0x2c0ffee, 900);
const heldout = build(0x51ded, 900);
const out = {
  description:
    'jaf-sec second labeled corpus (synthetic, generate-corpus2.mjs): other phrasing than corpus.json, provider keys, hard negatives. `heldout` was never used to tune the detectors.',
  splits: {
    dev: { entities: dev.entities, cases: dev.cases },
    heldout: { entities: heldout.entities, cases: heldout.cases },
  },
  // Held-out seed only: per-family recall on real-format samples, false alarms on random blobs.
  families: heldout.familyCases,
  blobs: heldout.blobCases,
};
writeFileSync(new URL('./corpus2.json', import.meta.url), `${JSON.stringify(out, null, 2)}\n`);
console.log(
  `dev: ${dev.cases.length} texts, ${dev.entities} entities; heldout: ${heldout.cases.length} texts, ${heldout.entities} entities; ${heldout.familyCases.length} family samples, ${heldout.blobCases.length} blobs`,
);
