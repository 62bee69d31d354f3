//! Error collection.
//!
//! Every problem is recorded at its own span and all of them are reported together, so a single
//! build shows the user every mistake instead of one per compile round-trip. The count also lets
//! the caller tell whether a particular endpoint produced errors (see [`Errors::len`]).

use proc_macro2::{Span, TokenStream};
use quote::ToTokens;
use std::fmt::Display;

#[derive(Default)]
pub(crate) struct Errors {
    list: Vec<syn::Error>,
}

impl Errors {
    pub(crate) fn push(&mut self, error: syn::Error) {
        self.list.push(error);
    }

    /// Records `message` spanning all of `tokens` (first to last token).
    pub(crate) fn spanned(&mut self, tokens: impl ToTokens, message: impl Display) {
        self.push(syn::Error::new_spanned(tokens, message));
    }

    pub(crate) fn at(&mut self, span: Span, message: impl Display) {
        self.push(syn::Error::new(span, message));
    }

    /// Number of errors so far; compare before and after a step to learn whether it failed.
    pub(crate) fn len(&self) -> usize {
        self.list.len()
    }

    /// One `compile_error!` per recorded error, each carrying its own span.
    pub(crate) fn into_compile_errors(self) -> TokenStream {
        self.list.into_iter().map(syn::Error::into_compile_error).collect()
    }

    #[cfg(test)]
    pub(crate) fn messages(&self) -> Vec<String> {
        self.list.iter().map(ToString::to_string).collect()
    }
}
