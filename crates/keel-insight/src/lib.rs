//! Customer insight computed locally: how similar two pieces of feedback
//! are (a sentence-embedding model, or word overlap when no model is
//! configured) and the themes the inbox falls into.
