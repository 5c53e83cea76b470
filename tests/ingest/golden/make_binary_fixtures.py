"""Write the golden seed files whose bytes cannot be typed by hand (run from anywhere, once).

Encodings (UTF-8 with BOM, UTF-16 LE with BOM, Windows-1256), line ends (CRLF, CR only), empty and
whitespace-only files, PNG bytes and invisible Unicode marks are written here from UTF-8 text, so
the fixtures are reproducible and reviewable. `tests/ingest/test_golden.py` checks that the files
on disk are exactly what this script writes.

    /tmp/venv/bin/python tests/ingest/golden/make_binary_fixtures.py
"""

from __future__ import annotations

import codecs
import struct
import zlib
from pathlib import Path

GOLDEN = Path(__file__).resolve().parent

UTF8_BOM_TEXT = """\
الرباط: افتتاح خط جديد للترامواي يربط العاصمة بمدينة سلا
الجمعة 29 يناير 2021
الجزيرة نت - المغرب
افتتحت السلطات المغربية خطا جديدا للترامواي يربط أحياء في شرق الرباط بمدينة سلا المجاورة، بطول يقارب سبعة كيلومترات وعشر محطات.
وقالت شركة النقل المشرفة على المشروع إن الخط الجديد سيخدم أكثر من ثلاثين ألف راكب يوميا، ويخفف الازدحام على الجسر الرابط بين المدينتين.
ويشكو سكان في الأحياء الشعبية من أن ثمن التذكرة ما زال مرتفعا مقارنة بسيارات الأجرة الجماعية، مطالبين باشتراكات مخفضة للطلاب والعمال.
"""

UTF16_TEXT = """\
إعادة افتتاح شارع المتنبي في بغداد بعد أعمال ترميم استمرت عاما
السبت 23 يناير 2021 - 11:05 بتوقيت غرينتش
العالم - العراق
أعيد افتتاح شارع المتنبي وسط بغداد أمام رواد المكتبات والمقاهي، بعد أعمال ترميم شملت واجهات المباني التراثية وأرصفة الشارع وشبكة الإنارة.
وعاد باعة الكتب إلى عرض بضاعتهم على الأرصفة منذ ساعات الصباح الأولى، فيما امتلأ مقهى الشابندر بزوار جاؤوا من محافظات عدة.
وقال أحد أصحاب المكتبات إن الشارع استعاد روحه، معربا عن أمله في أن تستمر الجهات المعنية في صيانته بدل تركه للإهمال مرة أخرى.
"""

CP1256_TEXT = """\
الأردن: ارتفاع أسعار الخضار في الأسواق المركزية بعد موجة الصقيع
الأربعاء 20 يناير 2021
الجزيرة نت - اقتصاد
ارتفعت أسعار الخضار في السوق المركزي بعمان بنسب وصلت إلى الضعف خلال أيام، بعد موجة صقيع أتلفت جزءا كبيرا من المزروعات في وادي الأردن.
وقال تجار إن أسعار البندورة والخيار سجلت أعلى مستوياتها منذ سنوات، وإن الكميات الواردة إلى السوق تراجعت إلى أقل من النصف.
من جهتها، دعت وزارة الزراعة المزارعين المتضررين إلى تسجيل خسائرهم لدى مديريات الزراعة، تمهيدا لصرف تعويضات من صندوق المخاطر الزراعية.
"""

CRLF_TEXT = """\
قطر تعلن خطة لزيادة إنتاج الغاز الطبيعي المسال بنحو الثلث - BBC Arabic

الثلاثاء 9 فبراير 2021

أعلنت شركة قطر للبترول خطة لتوسعة حقل الشمال، أكبر حقل للغاز الطبيعي في العالم، بهدف رفع إنتاج البلاد من الغاز المسال بنحو الثلث خلال السنوات المقبلة.

وقال مسؤولون في الشركة إن المشروع سيشمل بناء أربعة خطوط إنتاج جديدة، وإن أول شحنة من الخطوط الجديدة يتوقع تصديرها قبل منتصف العقد.

ويرى محللون أن الخطة تعزز موقع قطر بين أكبر مصدري الغاز المسال، في وقت يتزايد فيه الطلب الآسيوي على مصادر طاقة أقل تلويثا من الفحم.
"""

CR_TEXT = """\
Oman opens new container terminal at Duqm port
Thursday, 28 January 2021
Reuters - Business
Oman opened a new container terminal at the port of Duqm on Thursday, part of a plan to turn the once-sleepy fishing town on the Arabian Sea into a logistics hub.
Port officials said the terminal could handle up to 3.5 million containers a year once all of its cranes are installed.
Shipping companies have been slow to commit to Duqm, which lies far from the country's main cities, but the government hopes that a planned refinery and industrial zone will bring more traffic.
"""

# Copy-paste debris: right-to-left and left-to-right marks, zero-width spaces beside real spaces,
# no-break spaces, tabs, runs of spaces, trailing spaces and lines holding only spaces.
INVISIBLE_MARKS_TEXT = (
    "\u200f  مهرجان الإبل   يعود إلى الصحراء\u00a0بعد غياب عام \t\u200f\n"
    "   \n"
    "\u200fالأحد\u00a022 نوفمبر 2020\u200f\n"
    "\t\n"
    "\tعاد مهرجان الإبل السنوي إلى \u200bالصحراء بعد غياب عام بسبب الجائحة،  وشارك فيه   أكثر من"
    " ألفي مالك من دول الخليج بمطاياهم.  \n"
    "\n\n"
    "وقال المنظمون إن\u00a0المسابقات هذا العام اعتمدت على أجهزة \u200eGPS\u200e لتتبع السباقات عن بعد، مع"
    " منع الجمهور من الاقتراب من مضمار السباق\u00a0حفاظا على السلامة.\n"
    "\u00a0\n"
    "ويقول مربون إن المهرجان\t\tيمثل\tموسما اقتصاديا مهما، إذ تباع فيه الإبل الأصيلة بأسعار"
    " قد تصل إلى ملايين الريالات.\u200f\n"
)

# A 1x1 transparent PNG, as a crawler that saved an image under a text name would leave it.
def _png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    header = struct.pack(">IIBBBBB", 1, 1, 8, 6, 0, 0, 0)
    pixels = zlib.compress(b"\x00\x00\x00\x00\x00", 9)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")


FILES: dict[str, bytes] = {
    "20-encoding-utf8-bom/seeds/rabat-tramway.txt": codecs.BOM_UTF8 + UTF8_BOM_TEXT.encode("utf-8"),
    "21-encoding-utf16le-bom/seeds/mutanabbi-street.txt": codecs.BOM_UTF16_LE + UTF16_TEXT.encode("utf-16-le"),
    "22-encoding-windows-1256/seeds/jordan-vegetable-prices.txt": CP1256_TEXT.encode("cp1256"),
    "23-line-ends-crlf/seeds/qatar-lng-expansion.txt": CRLF_TEXT.replace("\n", "\r\n").encode("utf-8"),
    "24-line-ends-cr-only/seeds/oman-duqm-terminal.txt": CR_TEXT.replace("\n", "\r").encode("utf-8"),
    "32-bad-empty-file/seeds/empty.txt": b"",
    "33-bad-whitespace-only/seeds/blank.txt": " \t \n\n   \r\n\u00a0\n\t\n".encode("utf-8"),
    "34-bad-binary-png/seeds/photo.txt": _png(),
    "38-whitespace-and-invisible-marks/seeds/camel-festival.txt": INVISIBLE_MARKS_TEXT.encode("utf-8"),
}


def main() -> None:
    for relative, data in FILES.items():
        path = GOLDEN / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        print(f"wrote {relative} ({len(data)} bytes)")


if __name__ == "__main__":
    main()
