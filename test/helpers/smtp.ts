import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface SmtpSink {
  url: string;
  port: number;
  messages: (ParsedMail & { envelopeTo: string[]; raw: Buffer })[];
  /** While true, the server rejects every message with a temporary failure (an outage). */
  failing: boolean;
  close(): Promise<void>;
}

/** A real SMTP server on 127.0.0.1 that keeps what it accepts. */
export async function startSmtp(opts: { port?: number; user?: string; pass?: string; refuse?: (rcpt: string) => { code: number; message: string } | null } = {}): Promise<SmtpSink> {
  const sink: SmtpSink = { url: '', port: 0, messages: [], failing: false, close: async () => undefined };
  const server = new SMTPServer({
    secure: false,
    disabledCommands: ['STARTTLS'],
    authOptional: !opts.user,
    allowInsecureAuth: true,
    logger: false,
    onAuth(auth, _session, cb) {
      if (auth.username === opts.user && auth.password === opts.pass) cb(null, { user: auth.username });
      else cb(new Error('Invalid username or password'));
    },
    onRcptTo(address, _session, cb) {
      // A mailbox that refuses mail (full, moved, misspelt): the server says so at RCPT TO.
      const no = opts.refuse?.(address.address);
      if (!no) return cb();
      const err = new Error(no.message) as Error & { responseCode?: number };
      err.responseCode = no.code;
      return cb(err);
    },
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        if (sink.failing) {
          const err = new Error('Service temporarily unavailable') as Error & { responseCode?: number };
          err.responseCode = 451;
          return cb(err);
        }
        const raw = Buffer.concat(chunks);
        simpleParser(raw).then(
          (m) => {
            sink.messages.push(Object.assign(m, { envelopeTo: session.envelope.rcptTo.map((r) => r.address), raw }));
            cb();
          },
          (e: Error) => cb(e),
        );
      });
    },
  });
  await new Promise<void>((r) => server.listen(opts.port ?? 0, '127.0.0.1', () => r()));
  sink.port = (server.server.address() as AddressInfo).port;
  const cred = opts.user ? `${encodeURIComponent(opts.user)}:${encodeURIComponent(opts.pass ?? '')}@` : '';
  sink.url = `smtp://${cred}127.0.0.1:${sink.port}`;
  sink.close = () => new Promise<void>((r) => server.close(() => r()));
  return sink;
}
