//! [`ByteStream`]: a body read or written a chunk at a time, for uploads and downloads that must
//! not sit in memory.

use std::error::Error as StdError;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{ready, Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use futures_core::Stream;
use http::StatusCode;
use tokio::io::AsyncRead;
use tokio::time::{Instant, Sleep};

use crate::error::Error;
use crate::wire::Chunks;

type BoxError = Box<dyn StdError + Send + Sync>;
type BoxStream<T> = Pin<Box<dyn Stream<Item = T> + Send>>;

/// A body as a stream of chunks.
///
/// - As a request body (`#[body(stream)] data: ByteStream`): build it from any stream of
///   `Result<Bytes, E>` with [`ByteStream::from_stream`], from an `AsyncRead` (a file, a pipe)
///   with [`ByteStream::from_reader`], or from bytes in memory. It is sent with chunked transfer
///   encoding as it is read, and sent once: a call with a streamed body is never re-sent (no
///   retry, no connect retry, no re-send after a 401), since the stream cannot be read twice.
/// - As a return type (`-> Result<ByteStream, E>`, or `ApiResponse<ByteStream>`): a 2xx body is
///   handed over unread, with no size cap; the call's timeout still bounds the whole exchange,
///   and the client's [chunk timeout](crate::ClientBuilder::chunk_timeout) bounds each wait for
///   the next chunk. A connection cut in the middle ends the stream with a
///   [`Transport`](crate::ErrorKind::Transport) error that says the request may have been
///   delivered. Error answers (4xx, 5xx) are still read and returned as the call's error.
///
/// Read it with [`ByteStream::next_chunk`], as a `futures` [`Stream`], or as an `AsyncRead`
/// with [`ByteStream::into_reader`] (to `tokio::io::copy` it into a file).
pub struct ByteStream {
    source: Source,
}

enum Source {
    /// Bytes in memory, handed out as one chunk.
    Memory(Option<Bytes>),
    /// A caller's stream.
    Caller(BoxStream<Result<Bytes, BoxError>>),
    /// A response body, read as the caller asks.
    Response(Box<Download>),
    /// Ended (after an error, nothing more is read).
    Done,
}

struct Download {
    body: Chunks,
    status: StatusCode,
    chunk_timeout: Duration,
    idle: Pin<Box<Sleep>>,
}

impl ByteStream {
    /// A stream of chunks, e.g. from `futures::stream` or a channel. An error the stream yields
    /// ends the upload: the call fails with a `Transport` error that has it as its source.
    pub fn from_stream<S, E>(stream: S) -> Self
    where
        S: Stream<Item = Result<Bytes, E>> + Send + 'static,
        E: Into<BoxError>,
    {
        Self { source: Source::Caller(Box::pin(MapErr(Box::pin(stream)))) }
    }

    /// The bytes of `reader`, read 8 KiB at a time as they are sent.
    pub fn from_reader<R: AsyncRead + Send + 'static>(reader: R) -> Self {
        Self::from_stream(tokio_util::io::ReaderStream::new(reader))
    }

    /// An `AsyncRead` over the chunks; a stream error becomes an `io::Error` wrapping it.
    pub fn into_reader(self) -> impl AsyncRead + Send {
        tokio_util::io::StreamReader::new(IoErrors(self))
    }

    /// The next chunk, `None` at the end.
    pub async fn next_chunk(&mut self) -> Option<Result<Bytes, Error>> {
        std::future::poll_fn(|cx| Pin::new(&mut *self).poll_next(cx)).await
    }

    /// A response body to hand to the caller unread.
    pub(crate) fn download(status: StatusCode, body: Chunks, chunk_timeout: Duration) -> Self {
        let idle = Box::pin(tokio::time::sleep(chunk_timeout));
        Self { source: Source::Response(Box::new(Download { body, status, chunk_timeout, idle })) }
    }

    /// The bytes, when they are in memory (and so can be sent more than once).
    pub(crate) fn in_memory(&self) -> Option<&Bytes> {
        match &self.source {
            Source::Memory(bytes) => bytes.as_ref(),
            _ => None,
        }
    }

    /// The body to send: bytes in memory as they are, anything else read as it is sent.
    pub(crate) fn into_request_body(self) -> reqwest::Body {
        match self.source {
            Source::Memory(bytes) => reqwest::Body::from(bytes.unwrap_or_default()),
            _ => reqwest::Body::wrap_stream(UploadErrors(self)),
        }
    }
}

impl Stream for ByteStream {
    type Item = Result<Bytes, Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let item = match &mut self.source {
            Source::Memory(bytes) => return Poll::Ready(bytes.take().filter(|b| !b.is_empty()).map(Ok)),
            Source::Done => return Poll::Ready(None),
            Source::Caller(stream) => ready!(stream.as_mut().poll_next(cx))
                .map(|chunk| chunk.map_err(|e| Error::transport("the body stream failed", e))),
            Source::Response(download) => ready!(download.poll_chunk(cx)),
        };
        // Nothing is read after an error or the end.
        if !matches!(item, Some(Ok(_))) {
            self.source = Source::Done;
        }
        Poll::Ready(item)
    }
}

impl Download {
    fn poll_chunk(&mut self, cx: &mut Context<'_>) -> Poll<Option<Result<Bytes, Error>>> {
        match self.body.as_mut().poll_next(cx) {
            Poll::Ready(Some(Ok(chunk))) => {
                self.idle.as_mut().reset(Instant::now() + self.chunk_timeout);
                Poll::Ready(Some(Ok(chunk)))
            }
            Poll::Ready(Some(Err(e))) => Poll::Ready(Some(Err(e))),
            Poll::Ready(None) => Poll::Ready(None),
            Poll::Pending => match self.idle.as_mut().poll(cx) {
                Poll::Ready(()) => {
                    Poll::Ready(Some(Err(Error::chunk_timeout(self.chunk_timeout).at_status(self.status))))
                }
                Poll::Pending => Poll::Pending,
            },
        }
    }
}

impl From<Bytes> for ByteStream {
    fn from(bytes: Bytes) -> Self {
        Self { source: Source::Memory(Some(bytes)) }
    }
}

impl From<Vec<u8>> for ByteStream {
    fn from(bytes: Vec<u8>) -> Self {
        Bytes::from(bytes).into()
    }
}

impl From<String> for ByteStream {
    fn from(text: String) -> Self {
        Bytes::from(text).into()
    }
}

impl From<&'static [u8]> for ByteStream {
    fn from(bytes: &'static [u8]) -> Self {
        Bytes::from_static(bytes).into()
    }
}

impl fmt::Debug for ByteStream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let source = match &self.source {
            Source::Memory(_) => "memory",
            Source::Caller(_) => "stream",
            Source::Response(_) => "response",
            Source::Done => "done",
        };
        f.debug_struct("ByteStream").field("source", &source).finish_non_exhaustive()
    }
}

/// A caller's stream with its error type boxed.
struct MapErr<S>(Pin<Box<S>>);

impl<S, E> Stream for MapErr<S>
where
    S: Stream<Item = Result<Bytes, E>>,
    E: Into<BoxError>,
{
    type Item = Result<Bytes, BoxError>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.0.as_mut().poll_next(cx).map(|item| item.map(|chunk| chunk.map_err(Into::into)))
    }
}

/// Marks an error as coming from the body being uploaded, so that the transport's error says so
/// rather than blaming the connection.
#[derive(Debug)]
pub(crate) struct UploadFailed(pub(crate) Error);

impl fmt::Display for UploadFailed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the request body stream failed")
    }
}

impl StdError for UploadFailed {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        Some(&self.0)
    }
}

/// Whether `error`'s chain holds an [`UploadFailed`].
pub(crate) fn is_upload_failure(error: &(dyn StdError + 'static)) -> bool {
    crate::error::chain_has(error, |e| e.is::<UploadFailed>())
}

struct UploadErrors(ByteStream);

impl Stream for UploadErrors {
    type Item = Result<Bytes, UploadFailed>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        Pin::new(&mut self.0).poll_next(cx).map(|item| item.map(|chunk| chunk.map_err(UploadFailed)))
    }
}

/// Stream errors as `io::Error`s, for `StreamReader`.
struct IoErrors(ByteStream);

impl Stream for IoErrors {
    type Item = std::io::Result<Bytes>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        Pin::new(&mut self.0).poll_next(cx).map(|item| item.map(|chunk| chunk.map_err(std::io::Error::other)))
    }
}
