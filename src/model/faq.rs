//! An article's FAQs as the model keeps them: plain text, each FAQ's id and question in
//! one string, its answer's HTML in another. What the render stage makes of them (their
//! template values) it keeps in the render's [`FaqMemo`], so that they are made once per
//! render: shared by the article's page and the FAQ hub, and reused by every watch
//! rebuild that reuses the render.

use std::any::Any;
use std::sync::{Arc, OnceLock};

/// One rendered FAQ of an article.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FaqItem {
    /// The id, then the question.
    head: Box<str>,
    /// Where the question starts in `head`.
    question_at: usize,
    /// The answer's HTML: empty once the render stage holds it (see [`FaqMemo`]).
    answer: Box<str>,
}

impl FaqItem {
    /// The FAQ with unique id `id` on its article page, its question (plain text) and
    /// its answer's HTML.
    pub fn new(id: &str, question: &str, answer_html: &str) -> Self {
        let mut head = String::with_capacity(id.len() + question.len());
        head.push_str(id);
        head.push_str(question);
        FaqItem {
            head: head.into_boxed_str(),
            question_at: id.len(),
            answer: answer_html.into(),
        }
    }

    /// Unique id on the article page.
    pub fn id(&self) -> &str {
        self.head.get(..self.question_at).unwrap_or_default()
    }

    /// The question, plain text.
    pub fn question(&self) -> &str {
        self.head.get(self.question_at..).unwrap_or_default()
    }

    /// The answer's HTML.
    pub fn answer_html(&self) -> &str {
        &self.answer
    }

    /// Lets go of the answer's HTML, once the render stage holds it.
    pub(super) fn forget_answer(&mut self) {
        self.answer = Box::default();
    }
}

/// What a later stage made of a render's FAQs, kept with the render; the model does not
/// know its type. The render stage keeps its template values here: a render lives as
/// long as its document is unchanged, across watch rebuilds (through
/// [`super::MarkdownCache`]), and so do they. What is
/// kept must hold the answers: a clean build lets go of the model's copy once the
/// article's page is written and the memo made (see [`super::Assembly::render`]).
#[derive(Clone, Default)]
pub struct FaqMemo(OnceLock<Arc<dyn Any + Send + Sync>>);

impl FaqMemo {
    /// The value kept, made by `make` on first use. `None` if a value of another type
    /// is kept already.
    pub fn get_or_init<T: Any + Send + Sync>(&self, make: impl FnOnce() -> T) -> Option<&T> {
        self.0.get_or_init(|| Arc::new(make())).downcast_ref()
    }

    /// True once a value is kept.
    pub fn is_made(&self) -> bool {
        self.0.get().is_some()
    }
}

impl std::fmt::Debug for FaqMemo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FaqMemo")
            .field("made", &self.0.get().is_some())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn faq_items_give_back_their_fields() {
        let f = FaqItem::new(
            "faq-does-it-hurt",
            "Does it hurt?",
            "<p>A little, <em>sometimes</em>.</p>",
        );
        assert_eq!(
            (f.id(), f.question(), f.answer_html()),
            (
                "faq-does-it-hurt",
                "Does it hurt?",
                "<p>A little, <em>sometimes</em>.</p>"
            )
        );
        let empty = FaqItem::new("", "", "");
        assert_eq!((empty.id(), empty.question(), empty.answer_html()), ("", "", ""));
    }

    #[test]
    fn a_memo_makes_its_value_once_and_shares_it_with_its_copies() {
        let memo = FaqMemo::default();
        let made = std::cell::Cell::new(0);
        let make = || {
            made.set(made.get() + 1);
            vec![1, 2]
        };
        assert!(!memo.is_made());
        assert_eq!(memo.get_or_init(make), Some(&vec![1, 2]));
        assert!(memo.is_made());
        let copy = memo.clone();
        assert_eq!(copy.get_or_init(make), Some(&vec![1, 2]));
        assert_eq!(made.get(), 1);
        assert_eq!(memo.get_or_init(|| "another type"), None);
    }
}
