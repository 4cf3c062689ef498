"""Text: normalisation, tokenising (jieba, stop words, bigrams) and the EN→ZH glossary."""
