"""A short English news text and two independent Arabic translations of it, sentence by sentence."""

ENGLISH = [
    "The government announced on Monday a plan to build 5,000 new homes in Alexandria.",
    "Housing minister Ahmed Samir said the project would cost $3.5 million.",
    "Work is expected to begin in March and to last for two years.",
    "The opposition criticised the plan as far too small for the needs of a city of five million people.",
    "Samir rejected the criticism and said a second phase would follow in 2026.",
]
ARABIC = [
    "أعلنت الحكومة يوم الاثنين عن خطة لبناء 5000 منزل جديد في الإسكندرية.",
    "وقال وزير الإسكان أحمد سمير إن المشروع سيكلف 3.5 مليون دولار.",
    "ومن المتوقع أن يبدأ العمل في مارس وأن يستمر لمدة عامين.",
    "وانتقدت المعارضة الخطة ووصفتها بأنها صغيرة جدا بالنسبة لاحتياجات مدينة يسكنها خمسة ملايين نسمة.",
    "ورفض سمير الانتقادات وقال إن مرحلة ثانية ستتبعها في عام 2026.",
]
ARABIC_OTHER = [
    "كشفت الحكومة الاثنين عن خطة لتشييد 5000 منزل جديد في مدينة الإسكندرية.",
    "قال أحمد سمير وزير الإسكان إن تكلفة المشروع تبلغ 3.5 مليون دولار.",
    "ويتوقع أن تبدأ الأعمال في مارس وأن تستمر عامين.",
    "ورأت المعارضة أن الخطة صغيرة للغاية مقارنة باحتياجات مدينة فيها خمسة ملايين نسمة.",
    "لكن سمير رفض هذه الانتقادات مؤكدا أن مرحلة ثانية ستأتي في عام 2026.",
]
