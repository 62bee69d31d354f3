//! [`Wire`]: an answer as a transport hands it over, its body not read yet. What reads it
//! (`response.rs`, a [`ByteStream`](crate::ByteStream)) is the same whichever transport sent the
//! request, and every read error arrives classified (timeout, cut connection).

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use futures_core::Stream;
use http::{HeaderMap, StatusCode};

use crate::error::Error;
use crate::transport::classify;

/// A stream of body chunks whose errors are already the call's.
pub(crate) type Chunks = Pin<Box<dyn Stream<Item = Result<Bytes, Error>> + Send>>;

/// An answer with its body unread.
pub(crate) enum Wire {
    /// From reqwest; `timeout` is the attempt's, for the wording of a read timeout.
    Reqwest { response: reqwest::Response, timeout: Duration },
    /// From the hyper transport.
    #[cfg(feature = "hyper-transport")]
    Hyper(crate::hyper_transport::Answer),
}

impl Wire {
    pub(crate) fn status(&self) -> StatusCode {
        match self {
            Self::Reqwest { response, .. } => response.status(),
            #[cfg(feature = "hyper-transport")]
            Self::Hyper(answer) => answer.status(),
        }
    }

    /// The headers, taken: nothing reads them from here on (the size cap uses the body's hint).
    pub(crate) fn take_headers(&mut self) -> HeaderMap {
        match self {
            Self::Reqwest { response, .. } => std::mem::take(response.headers_mut()),
            #[cfg(feature = "hyper-transport")]
            Self::Hyper(answer) => answer.take_headers(),
        }
    }

    /// The body's length when the transport knows it before reading.
    pub(crate) fn content_length(&self) -> Option<u64> {
        match self {
            Self::Reqwest { response, .. } => response.content_length(),
            #[cfg(feature = "hyper-transport")]
            Self::Hyper(answer) => answer.content_length(),
        }
    }

    /// Whether the body is known to be read to its end: all of its declared length is in.
    pub(crate) fn at_end(&self) -> bool {
        match self {
            Self::Reqwest { response, .. } => response.content_length() == Some(0),
            #[cfg(feature = "hyper-transport")]
            Self::Hyper(answer) => answer.at_end(),
        }
    }

    /// The next chunk of the body, `None` at its end.
    pub(crate) fn poll_chunk(&mut self, cx: &mut Context<'_>) -> Poll<Result<Option<Bytes>, Error>> {
        match self {
            Self::Reqwest { response, timeout } => {
                let status = response.status();
                // reqwest offers the next chunk only as a future. It borrows the response and keeps
                // nothing between polls (each poll asks the body for its next frame), so a fresh one
                // per poll loses nothing, and no future has to be kept beside the response.
                let chunk = std::pin::pin!(response.chunk());
                chunk.poll(cx).map_err(|e| classify(e, *timeout, *timeout).at_status(status))
            }
            #[cfg(feature = "hyper-transport")]
            Self::Hyper(answer) => answer.poll_chunk(cx),
        }
    }

    /// The rest of the body as a stream, for a [`ByteStream`](crate::ByteStream).
    pub(crate) fn into_chunks(self) -> Chunks {
        match self {
            Self::Reqwest { response, timeout } => {
                let status = response.status();
                Box::pin(ClassifiedChunks { inner: Box::pin(response.bytes_stream()), status, timeout })
            }
            #[cfg(feature = "hyper-transport")]
            Self::Hyper(answer) => answer.into_chunks(),
        }
    }
}

/// reqwest's body stream with its errors classified.
struct ClassifiedChunks {
    inner: Pin<Box<dyn Stream<Item = reqwest::Result<Bytes>> + Send>>,
    status: StatusCode,
    timeout: Duration,
}

impl Stream for ClassifiedChunks {
    type Item = Result<Bytes, Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let (status, timeout) = (self.status, self.timeout);
        self.inner
            .as_mut()
            .poll_next(cx)
            .map(|item| item.map(|chunk| chunk.map_err(|e| classify(e, timeout, timeout).at_status(status))))
    }
}
