//! HTTP/1.1 message framing for the test proxies: reads a message head and its body as
//! raw bytes, so a proxy can inspect a request and forward it unchanged, and exchanges one
//! request with the upstream server.

use tokio::io::{AsyncBufRead, AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;
use tokio::net::tcp::{OwnedReadHalf, OwnedWriteHalf};

/// A keep-alive connection to the upstream server, opened on first use.
pub type Upstream = (BufReader<OwnedReadHalf>, OwnedWriteHalf);

/// Sends `request` and `body` over `upstream` (connecting to `addr` when there is no
/// connection yet), passes interim 1xx answers on to `client`, and returns the final
/// answer's head, its raw body, and whether that body ran to the end of the stream.
pub async fn exchange(
    upstream: &mut Option<Upstream>,
    addr: &str,
    request: &Head,
    body: &[u8],
    client: &mut OwnedWriteHalf,
) -> std::io::Result<(Head, Vec<u8>, bool)> {
    let (up_read, up_write) = match upstream.as_mut() {
        Some(up) => up,
        None => {
            let stream = TcpStream::connect(addr).await?;
            stream.set_nodelay(true)?;
            let (r, w) = stream.into_split();
            upstream.insert((BufReader::new(r), w))
        }
    };
    up_write.write_all(&request.raw).await?;
    up_write.write_all(body).await?;
    up_write.flush().await?;
    let response = loop {
        let head = read_head(up_read)
            .await?
            .ok_or_else(|| invalid("upstream closed"))?;
        if (100..200).contains(&head.status()) {
            client.write_all(&head.raw).await?;
            continue;
        }
        break head;
    };
    let (answer, ended) = read_body(up_read, &response, true).await?;
    Ok((response, answer, ended))
}

/// A parsed message head, with its raw bytes for forwarding.
pub struct Head {
    /// The head as received, forwarded unchanged.
    pub raw: Vec<u8>,
    /// The request or status line.
    pub start_line: String,
    pub headers: Vec<(String, String)>,
}

impl Head {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn content_length(&self) -> Option<usize> {
        self.header("content-length")
            .and_then(|v| v.trim().parse().ok())
    }

    pub fn is_chunked(&self) -> bool {
        self.header("transfer-encoding")
            .is_some_and(|v| v.to_ascii_lowercase().contains("chunked"))
    }

    pub fn wants_close(&self) -> bool {
        self.header("connection")
            .is_some_and(|v| v.eq_ignore_ascii_case("close"))
    }

    /// The status code of a response head (0 when it is not one).
    pub fn status(&self) -> u16 {
        self.start_line
            .split_whitespace()
            .nth(1)
            .and_then(|c| c.parse().ok())
            .unwrap_or(0)
    }
}

const MAX_HEAD: usize = 64 * 1024;

pub fn invalid(msg: &str) -> std::io::Error {
    std::io::Error::new(std::io::ErrorKind::InvalidData, msg.to_string())
}

/// Reads a message head; `None` at a clean end of stream before any byte.
pub async fn read_head<R: AsyncBufRead + Unpin>(r: &mut R) -> std::io::Result<Option<Head>> {
    let mut raw = Vec::new();
    let mut lines = Vec::new();
    loop {
        let mut line = Vec::new();
        let n = r.read_until(b'\n', &mut line).await?;
        if n == 0 {
            return if raw.is_empty() {
                Ok(None)
            } else {
                Err(invalid("truncated message head"))
            };
        }
        raw.extend_from_slice(&line);
        if raw.len() > MAX_HEAD {
            return Err(invalid("message head too large"));
        }
        let text = String::from_utf8_lossy(&line)
            .trim_end_matches(['\r', '\n'])
            .to_string();
        if text.is_empty() {
            if lines.is_empty() {
                // Tolerate stray blank lines between messages.
                raw.clear();
                continue;
            }
            break;
        }
        lines.push(text);
    }
    let start_line = lines.remove(0);
    let headers = lines
        .into_iter()
        .filter_map(|l| {
            l.split_once(':')
                .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        })
        .collect();
    Ok(Some(Head {
        raw,
        start_line,
        headers,
    }))
}

/// Reads a body as framed by `head`, returning its raw bytes (chunk framing kept).
/// `to_eof` allows an unframed body that runs to the end of the stream (responses).
pub async fn read_body<R: AsyncBufRead + Unpin>(
    r: &mut R,
    head: &Head,
    to_eof: bool,
) -> std::io::Result<(Vec<u8>, bool)> {
    if head.is_chunked() {
        let mut raw = Vec::new();
        loop {
            let mut size_line = Vec::new();
            if r.read_until(b'\n', &mut size_line).await? == 0 {
                return Err(invalid("truncated chunked body"));
            }
            raw.extend_from_slice(&size_line);
            let text = String::from_utf8_lossy(&size_line);
            let size_text = text
                .trim()
                .split(';')
                .next()
                .unwrap_or("")
                .trim()
                .to_string();
            let size =
                usize::from_str_radix(&size_text, 16).map_err(|_| invalid("bad chunk size"))?;
            if size == 0 {
                // Trailers until an empty line.
                loop {
                    let mut line = Vec::new();
                    if r.read_until(b'\n', &mut line).await? == 0 {
                        return Err(invalid("truncated trailers"));
                    }
                    raw.extend_from_slice(&line);
                    if line == b"\r\n" || line == b"\n" {
                        return Ok((raw, false));
                    }
                }
            }
            let mut chunk = vec![0u8; size + 2];
            r.read_exact(&mut chunk).await?;
            raw.extend_from_slice(&chunk);
        }
    }
    if let Some(len) = head.content_length() {
        let mut body = vec![0u8; len];
        r.read_exact(&mut body).await?;
        return Ok((body, false));
    }
    if to_eof {
        let mut body = Vec::new();
        r.read_to_end(&mut body).await?;
        return Ok((body, true));
    }
    Ok((Vec::new(), false))
}
