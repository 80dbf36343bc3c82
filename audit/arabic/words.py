"""Closed classes of Arabic words the checks recognise: titles of persons, function words.

Lists are written as plain text (one blank between words) and compared in a folded form
(:func:`folded_words`, :func:`audit.arabic.orthography.fold_alef_yeh_teh` unless another fold is given).
"""

from __future__ import annotations

from collections.abc import Callable

from audit.arabic.orthography import fold_alef_yeh_teh


def folded_words(words: str, fold: Callable[[str], str] = fold_alef_yeh_teh) -> frozenset[str]:
    """The blank-separated ``words``, folded."""
    return frozenset(fold(w) for w in words.split())


#: Titles that stand between a verb and a name («قال الرئيس الأوكراني فولوديمير زيلينسكي»).
TITLE_WORDS_MASCULINE = (
    "الرئيس رئيس الزعيم زعيم الوزير وزير المتحدث متحدث السفير سفير المبعوث مبعوث المستشار مستشار النائب "
    "السيناتور الجنرال القائد قائد المدير مدير الأمين الملك الأمير الشيخ السيد المرشح مرشح الحاكم حاكم "
    "العمدة مساعد المساعد الممثل ممثل المدعي القاضي الأدميرال العقيد اللواء الرائد الدكتور المفوض مفوض "
    "المدرب مدرب اللاعب لاعب الكاتب الصحفي الفنان المغني الباحث الطبيب المحامي الأستاذ البروفيسور الناشط "
    "المسؤول مسؤول المذيع الملياردير رجل"
)
TITLE_WORDS_FEMININE = (
    "الرئيسة رئيسة الزعيمة زعيمة الوزيرة وزيرة المتحدثة متحدثة السفيرة سفيرة المبعوثة مبعوثة المستشارة "
    "مستشارة النائبة نائبة السيناتورة القائدة قائدة المديرة مديرة الأمينة الملكة الأميرة الشيخة السيدة "
    "المرشحة مرشحة الحاكمة حاكمة مساعدة المساعدة الممثلة ممثلة المدعية القاضية الدكتورة المفوضة "
    "المدربة مدربة اللاعبة لاعبة الكاتبة الصحفية الفنانة المغنية الباحثة الطبيبة المحامية الأستاذة "
    "الناشطة المسؤولة مسؤولة المذيعة المليارديرة الآنسة امرأة"
)
TITLES_MASCULINE = folded_words(TITLE_WORDS_MASCULINE)
TITLES_FEMININE = folded_words(TITLE_WORDS_FEMININE) - TITLES_MASCULINE

#: Prepositions, conjunctions, particles, demonstratives, relative pronouns and quantifiers that neither a name nor
#: the piece of a broken phrase can be.
FUNCTION_WORDS = (
    "في من إلى على عن مع حول بين نحو لدى ضد عبر خلال منذ حتى أن إن الذي التي الذين و أو ثم لكن بل قد لم لن لا ما "
    "هذا هذه ذلك تلك هناك هنا كل بعض أي كما بعد قبل"
)
