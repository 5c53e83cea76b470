"""Arabic and English function words, in folded spelling: the maintained `arabic-stopwords` list
and the news prose's own (reporting verbs, time words)."""

from __future__ import annotations

from generator.arabic import fold


def _stopword_list() -> list[str]:
    from arabicstopwords.arabicstopwords import stopwords_list
    return stopwords_list()


# The commonest function words of news prose, Arabic and English: no word to work out a first page
# of search results for in advance (search_head.py).
FUNCTION_WORDS = frozenset("""
في من الي علي عن مع ان او ما لا لم لن قد كان كانت يكون هذا هذه ذلك تلك التي الذي الذين اللذين
هو هي هم هما نحن انا انت كما حيث بعد قبل عند خلال بين حتي منذ اذا اذ ثم كل بعض غير اي ايضا
وقال قال قالت واضاف اضاف واكد اكد وتابع امس اليوم يوم اكثر اقل عليه عليها فيه فيها به بها له لها
منه منها الا لكن بل انه انها وان وهو وهي ضد اجل لدي لقد وقد فقد ولا وما ومن وفي
the a an of to in on for and or but is are was were be been by with at from as that this it its
he she they we you his her their our said says has have had will would not no than then there
""".split())

# No evidence of an event (linking): those and the maintained list's thousands of forms.
STOPWORDS = FUNCTION_WORDS | frozenset(fold(word) for word in _stopword_list())
