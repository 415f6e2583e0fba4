// `redial help` text. Kept beside the parser so the two are edited together.
export const HELP = `redial — IAX2 softphone for Asterisk, headless

Usage:
  redial register --server HOST[:PORT] --user NAME [--secret SECRET | --secret-prompt] [--auth md5|plaintext]
                  [--refresh SECONDS] [--encryption off|on|required] [--once]
  redial call NUMBER|iax:user@host[:port]/number --server … --user … [--secret …]
                  [--codec ulaw,alaw,g722,gsm,opus,slin,slin16] [--play in.wav] [--record out.wav] [--record-both both.wav]
                  [--dtmf 123#] [--dtmf-delay S] [--text MSG] [--hangup-after S] [--answer-timeout S]
                  [--caller-id "NAME <NUMBER>"] [--encryption off|on|required]
  redial listen [--server … --user … --secret …] [--port 4569] [--answer auto|reject|busy] [--answer-after S]
                  [--codec ulaw,alaw,…] [--play in.wav] [--record out.wav] [--record-both both.wav] [--hangup-after S]
                  [--max-calls N] [--dtmf 123] [--encryption off|on|required] [--echo]
                  [--calltoken required|optional]
  redial load --dial EXT --server HOST[:PORT] [--user NAME[,NAME…] --secret …] [--calls N] [--rate R] [--duration S]
                  [--hold-for S] [--tone HZ[,HZ] | --play in.wav] [--codec …] [--answer-timeout S]
                  [--max-failures N] [--max-setup-ms MS] [--workers N] [--json]
  redial test SCENARIO.yaml|.json [--server … --user NAME[,NAME…] --secret …] [--calls N] [--rate R] [--junit FILE]
  redial devices
  redial help [COMMAND] | --help | --version

--codec lists the codecs to offer (call) or accept (listen), in order of preference; default ulaw,alaw.

Without --server, listen takes direct calls from anyone, and a caller must do the call-token round trip first (as
Asterisk's requirecalltoken=yes demands). --calltoken optional also takes callers that cannot (libiax2: iaxmodem,
old iaxclient phones), unverified: their address is not proven before we answer them.

listen answers every call when --answer is auto (after --answer-after seconds of ringing, but at once when the
server asks for auto-answer, e.g. Asterisk's Dial(IAX2/peer/exten/a)); reject answers 'declined' (cause 21) and busy
answers 'busy' (cause 17), which Asterisk's Dial() reports as DIALSTATUS BUSY.

load places many calls from one process (no sound devices): --calls at once (default 10), dialled at --rate per
second (default 5), kept up for --duration seconds (default 30), each hung up after --hold-for seconds and replaced
if given. Without --user the calls go directly to the peer at --server. Each call sends --tone (default 1004 Hz) or
--play's WAV file. Several users are cycled; each user's secret comes from REDIAL_SECRET_<USER> if set. Ctrl-C hangs
up every call and waits for the server; a second Ctrl-C ends at once. Exit code 12 when --max-failures or
--max-setup-ms is crossed, or when no call was answered. --workers N spreads the calls over N threads, each with
its own UDP port (the first keeps --port); by default one per 100 calls, at most one per core.

test runs a scenario file (steps: dial, expect answer/ringing/tone/speech/silence/text/dtmf/hangup, play, dtmf,
text, wait, record, hangup; see docs/scenarios.md) in one call, or in --calls N calls at once; each call's failing
step is named with its line; --junit FILE writes JUnit XML. Exit code 13 when a step failed.

listen --echo is an echo peer: it answers every call at once, as many at a time as come, and sends each caller's
audio straight back (nothing decoded), like Asterisk's Echo(); a cheap reflector for redial load.

--record keeps what you hear (the far end), mono; --record-both keeps both directions, stereo (left: what we sent,
right: what we received).

--encryption on asks the server to encrypt calls (AES-128, IAX2 'encryption=yes' peers; the key comes from the
secret); required refuses calls the server will not encrypt.

Common options:
  --json            one JSON event per line on stdout (registered, ringing, answered, dtmf, text, stats, hangup…)
  --debug           print every IAX2 frame sent and received, like Asterisk's 'iax2 set debug on' (stderr)
  --pcap FILE       also write every frame to a pcap file that Wireshark/tshark read (private to you, 0600);
                    passwords, challenges and MD5/RSA results in it are overwritten with '*' (lengths kept)
  --pcap-limit MB   the pcap stops growing at MB megabytes (default 100); later frames are not captured
  --pcap-keep-secrets  keep those IEs as sent: only for debugging your own server, never share such a file
  --port N          local UDP port (default 4569; an ephemeral port is used when it is taken)
  --input-device K  microphone (a key from 'redial devices', or 'fake'); default: the system default
  --output-device K speaker (as above)
  --dsp aec,ns,agc  speakerphone processing: echo cancellation, noise suppression, automatic gain (or 'none');
                    default: aec,ns with real sound devices, none with WAV files or the fake device

Secrets: --secret on the command line is visible to other users of the machine (ps). Prefer the environment
variable REDIAL_SECRET (or the one named by --secret-env VAR) or --secret-prompt (or --secret -), which reads it
from the terminal without echo.

Exit codes: 0 ok (registered / call answered and ended), 3 busy, 4 congestion, 5 rejected, 6 authentication
failed, 7 no answer / timeout, 8 call token refused, 9 no common codec, 10 DNS failure, 11 network error,
12 load threshold crossed, 13 scenario step failed, 64 usage error, 70 internal error, 130 stopped by a second Ctrl-C.
`;
