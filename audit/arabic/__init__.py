"""Everything the auditor knows about Arabic, in one place.

- :mod:`~audit.arabic.orthography`: letter ranges, diacritics and tatweel, the family of letter folds (alef and
  hamza forms, ى/ي, ة/ه, Persian letters), presentation forms and digits in both directions;
- :mod:`~audit.arabic.clitics`: the conjunctions, prepositions and article joined to a word, as named runs;
- :mod:`~audit.arabic.transliteration`: skeletons of foreign names in Latin and Arabic letters;
- :mod:`~audit.arabic.words`: closed word classes (titles of persons, function words);
- :mod:`~audit.arabic.numbers`: numbers (digits, number and scale words) and month names;
- :mod:`~audit.arabic.distance`: edit distances between words;
- :mod:`~audit.arabic.morphology`: Buckwalter's morphological analyser (readings, parts of speech, gender);
- :mod:`~audit.arabic.syntax`: from a word's readings, whether a sentence can end on it or start with it;
- :mod:`~audit.arabic.lexicon`: is a form a word (Aspell, Buckwalter), how common it is (wordfreq), and an
  article's Arabic words with their folded forms.

Import the submodules directly; importing this package loads nothing heavy.
"""
