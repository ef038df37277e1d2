//! An article's FAQs as the model keeps them: plain text, each FAQ's id and question in
//! one string, its answer's HTML in another. The render stage makes their template
//! values for each page that shows them (the article's and one page of the FAQ hub):
//! kept for the whole site, those values were the largest part of a large build's
//! memory.

/// One rendered FAQ of an article.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FaqItem {
    /// The id, then the question.
    head: Box<str>,
    /// Where the question starts in `head`.
    question_at: usize,
    /// The answer's HTML.
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
}
