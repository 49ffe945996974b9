"""Reference list of Iraqi (Anbar) given names and tribes, rough frequencies, Latin spellings.

The deduplicator uses it for two things only: prior name frequencies (smoothed with the
registry's own counts, so that small lists are weighed sensibly) and knowing that two listed
names one letter apart (حسن/حسين, محمد/محمود) are two names, not a typo. The phonetic key
does not look names up: it is computed, so unlisted names match across scripts as well as
listed ones. The synthetic registry (``synthetic.py``) draws its people from the same list.
"""

from __future__ import annotations

# (Arabic as commonly written, weight, Latin spellings or "" to transliterate on the fly)
MALE: tuple[tuple[str, int, str], ...] = (
    ("محمد", 60, "Mohammed Muhammad Mohamed Mohammad Muhammed Mohamad"),
    ("أحمد", 40, "Ahmed Ahmad Ahmet"),
    ("علي", 30, "Ali Aly"),
    ("عمر", 25, "Omar Umar Omer"),
    ("خالد", 20, "Khalid Khaled"),
    ("مصطفى", 12, "Mustafa Mustapha Mostafa"),
    ("إبراهيم", 12, "Ibrahim Ebrahim Ibraheem"),
    ("عبد الله", 18, "Abdullah Abdallah Abd Allah Abdulla"),
    ("عبد الرحمن", 10, "Abdulrahman Abdul Rahman Abd al-Rahman Abdurrahman Abdelrahman"),
    ("عبد الكريم", 7, "Abdulkareem Abdul Karim Abdelkarim"),
    ("عبد الستار", 6, "Abdulsattar Abdul Sattar Abd al-Sattar"),
    ("عبد الرزاق", 5, "Abdulrazzaq Abdul Razak Abdelrazaq"),
    ("عبد العزيز", 6, "Abdulaziz Abdul Aziz Abdel Aziz"),
    ("عبد الحميد", 5, "Abdulhameed Abdul Hamid"),
    ("عبد الوهاب", 4, "Abdulwahab Abdul Wahhab"),
    ("عبد الجبار", 4, "Abdul Jabbar Abduljabbar"),
    ("عبد القادر", 4, "Abdulqadir Abdul Kader Abdelkader"),
    ("عبد اللطيف", 3, "Abdullatif Abdul Latif"),
    ("عبد الغفور", 3, "Abdulghafoor Abdul Ghafur"),
    ("حسن", 14, "Hassan Hasan Hasen"),
    ("حسين", 14, "Hussein Husain Hussain Hossein Husein"),
    ("محمود", 14, "Mahmoud Mahmood Mahmud"),
    ("يوسف", 10, "Yousif Yusuf Youssef Yousef"),
    ("سعد", 8, "Saad Sa'ad Sad"),
    ("سعيد", 6, "Saeed Said Saied"),
    ("صالح", 8, "Saleh Salih Salah"),
    ("جاسم", 9, "Jasim Jassim Jasem"),
    ("قاسم", 7, "Qasim Kasim Qassim Gasim"),
    ("حامد", 7, "Hamid Hamed"),
    ("حمد", 5, "Hamad Hamd"),
    ("حمدان", 4, "Hamdan"),
    ("فاضل", 5, "Fadhil Fadel Fadil Fazil"),
    ("فرحان", 5, "Farhan"),
    ("سلمان", 5, "Salman Selman"),
    ("خلف", 7, "Khalaf Khalef"),
    ("عادل", 6, "Adil Adel"),
    ("كريم", 5, "Karim Kareem"),
    ("ماجد", 5, "Majid Majed"),
    ("وليد", 6, "Waleed Walid"),
    ("رعد", 5, "Raad Ra'ad"),
    ("زياد", 5, "Ziad Ziyad"),
    ("طه", 5, "Taha Taaha"),
    ("ياسين", 5, "Yaseen Yassin Yasin"),
    ("ياسر", 5, "Yasir Yasser Yaser"),
    ("عثمان", 6, "Othman Uthman Osman"),
    ("بكر", 3, "Bakr Baker Bakir"),
    ("ناصر", 4, "Nasir Naser Nasser"),
    ("سالم", 5, "Salim Salem"),
    ("شاكر", 4, "Shakir Shaker"),
    ("صباح", 3, "Sabah"),
    ("ضياء", 3, "Dhiaa Dhia Diaa Zia"),
    ("عامر", 4, "Amir Amer Aamer"),
    ("عباس", 3, "Abbas"),
    ("عدنان", 4, "Adnan"),
    ("عماد", 4, "Imad Emad"),
    ("فيصل", 4, "Faisal Faysal"),
    ("قيس", 3, "Qais Kais Qays"),
    ("لؤي", 3, "Luay Loay Louai"),
    ("مازن", 3, "Mazin Mazen"),
    ("مروان", 4, "Marwan"),
    ("منذر", 3, "Munther Mundhir Monzer"),
    ("نبيل", 3, "Nabil Nabeel"),
    ("هيثم", 4, "Haitham Haytham"),
    ("وسام", 3, "Wisam Wesam"),
    ("يحيى", 4, "Yahya Yehia"),
    ("عيسى", 4, "Issa Isa Eisa"),
    ("موسى", 4, "Musa Mousa Moussa"),
    ("إسماعيل", 4, "Ismail Ismael Esmail"),
    ("أنس", 4, "Anas"),
    ("أسامة", 5, "Osama Usama"),
    ("حمزة", 4, "Hamza Hamzah"),
    ("حذيفة", 3, "Hudhaifa Huthaifa Hutheyfa"),
    ("معاذ", 3, "Muath Moaz Muadh"),
    ("بلال", 3, "Bilal Belal"),
    ("ثامر", 3, "Thamir Thamer Tamer"),
    ("جمال", 3, "Jamal"),
    ("رافع", 3, "Rafi Rafea"),
    ("رشيد", 3, "Rashid Rasheed"),
    ("سطام", 2, "Sattam Satam"),
    ("شعلان", 2, "Shalan Sha'lan"),
    ("ضاري", 2, "Dhari Dari"),
    ("عواد", 3, "Awad Awwad"),
    ("فهد", 3, "Fahad Fahd"),
    ("مشعان", 2, "Mishaan Mesha'an"),
    ("مطلك", 2, "Mutlak Mutlaq"),
    ("نوري", 3, "Nouri Nuri"),
    ("نور الدين", 2, "Nour al-Din Nureddin Nouraldeen"),
    ("صلاح الدين", 2, "Salah al-Din Salahuddin Salaheddine"),
    ("عز الدين", 2, "Izz al-Din Ezzeddine Izzaldin"),
    ("جار الله", 1, "Jarallah Jar Allah"),
    ("خير الله", 1, "Khairallah Khair Allah"),
    ("مهند", 3, "Muhannad Mohanad"),
    ("غانم", 2, "Ghanim Ghanem"),
    ("حاتم", 2, "Hatim Hatem"),
    ("كامل", 2, "Kamil Kamel"),
    ("نجم", 2, "Najm Najim"),
    ("سامي", 2, "Sami Samy"),
    ("فراس", 2, "Firas Feras"),
    ("أيمن", 2, "Ayman Aymen"),
    ("إياد", 2, "Iyad Eyad"),
    ("عبود", 2, "Abboud Abbood"),
    ("عبيد", 2, "Obaid Ubaid"),
    ("ظاهر", 1, "Dhahir Zahir"),
    ("تركي", 2, "Turki"),
    ("دحام", 1, "Daham Dahham"),
    ("مخلف", 2, "Mukhlif Mekhlef"),
    ("عفتان", 1, "Aftan"),
    ("ذياب", 1, "Dhiyab Thiab"),
    ("شهاب", 2, "Shihab Shehab"),
)


def _tail(names: str) -> tuple[tuple[str, int, str], ...]:
    return tuple((name, 1, "") for name in names.split())


# A long tail of less common names, as real registries have (transliterated on the fly).
MALE = MALE + _tail(
    """
    أديب أكرم أمجد أنور أوس إحسان بشار بشير بهاء تحسين توفيق ثائر جبار جلال جميل جواد حارث
    حازم حافظ حمودي حيدر خضر خميس خليل داود رائد راضي رامي رباح رحيم رزاق رضا رعد رياض زكي
    زهير سامر سرمد سعدون سفيان سليم سليمان سمير سنان شامل شاهر صادق صبحي صدام صفاء صهيب
    ضرغام طارق طلال عارف عاصم عاطف عايد عبيدة عدي عرفان عزام عصام عطية عقيل علاء عوض غازي
    غسان فائق فارس فالح فرج فريد فلاح فواز قحطان كاظم كمال لطيف لقمان ليث مؤيد مالك مثنى
    مجيد محسن مدحت مرعي مزاحم مشتاق مصعب مطر معتز مقداد منصور منير مهدي موفق ميثم نادر ناظم
    نايف نجاح نزار نشأت نصير نعمان نهاد هاشم هشام همام وائل وضاح وعد يعرب يونس
    """
)

FEMALE: tuple[tuple[str, int, str], ...] = (
    ("فاطمة", 20, "Fatima Fatimah Fatma"),
    ("زينب", 12, "Zainab Zaynab Zeinab"),
    ("مريم", 12, "Maryam Mariam Mariam"),
    ("عائشة", 10, "Aisha Aysha Aishah Ayesha"),
    ("خديجة", 8, "Khadija Khadijah Khadeeja"),
    ("سارة", 8, "Sara Sarah"),
    ("نور", 8, "Noor Nour Nur"),
    ("هدى", 6, "Huda Hoda"),
    ("رنا", 4, "Rana"),
    ("رشا", 4, "Rasha"),
    ("سعاد", 4, "Suad Soaad"),
    ("أسماء", 6, "Asmaa Asma"),
    ("آمنة", 5, "Amina Amna Aminah"),
    ("حليمة", 3, "Halima Haleema"),
    ("شيماء", 4, "Shaimaa Shayma"),
    ("إيمان", 5, "Iman Eman Emaan"),
    ("سلمى", 4, "Salma Selma"),
    ("ليلى", 4, "Layla Laila Leila"),
    ("هند", 4, "Hind"),
    ("وفاء", 3, "Wafaa Wafa"),
    ("رقية", 4, "Ruqaya Roqaya Rukiya"),
    ("صفية", 3, "Safiya Safia"),
    ("حنان", 3, "Hanan"),
    ("نادية", 3, "Nadia Nadiya"),
    ("بشرى", 3, "Bushra"),
    ("سهى", 2, "Suha Soha"),
    ("أمل", 3, "Amal"),
    ("غادة", 2, "Ghada"),
    ("دعاء", 3, "Duaa Doaa"),
    ("آلاء", 3, "Alaa Ala'a"),
    ("هبة", 3, "Hiba Heba"),
    ("منى", 3, "Muna Mona"),
    ("أسيل", 2, "Aseel Asil"),
    ("ضحى", 3, "Duha Doha"),
    ("تبارك", 2, "Tabarak"),
    ("رحمة", 2, "Rahma Rahmah"),
    ("سجى", 2, "Saja"),
    ("ابتسام", 2, "Ibtisam Ebtisam"),
    ("نجلاء", 1, "Najlaa Najla"),
    ("أم كلثوم", 1, ""),
)

FEMALE = FEMALE + _tail(
    """
    أسيل أفراح أنوار إسراء إخلاص بان بتول تغريد جنان حلا حوراء خلود دنيا ذكرى رؤى رباب رجاء
    رغد رفل روان ريم زهراء زهور سحر سلوى سماح سناء سهام شهد صابرين ضمياء عبير عفاف علياء
    غدير فرح فردوس كوثر لبنى لينا ماجدة مروة منار ميادة ميس نبراس نداء نسرين نوال هالة هيام
    وجدان ولاء يسرى
    """
)

# Tribes of Anbar (Arabic with article, weight, Latin spellings without the article).
TRIBES: tuple[tuple[str, int, str], ...] = (
    ("الدليمي", 30, "Dulaimi Dulaymi Dlaimi"),
    ("العبيدي", 12, "Obaidi Ubaidi Obeidi"),
    ("الجميلي", 10, "Jumaili Jumaily Jumeili"),
    ("الفهداوي", 10, "Fahdawi Fahadawi"),
    ("العيساوي", 10, "Issawi Essawi Isawi"),
    ("المحمدي", 8, "Mohammadi Muhammadi Mohamadi"),
    ("الكبيسي", 8, "Kubaisi Kubaisy Kebeisi"),
    ("الحلبوسي", 8, "Halbusi Halbousi"),
    ("العلواني", 8, "Alwani Ilwani"),
    ("الجنابي", 5, "Janabi Jannabi"),
    ("الراوي", 6, "Rawi Rawy"),
    ("العاني", 6, "Ani Aani"),
    ("الهيتي", 5, "Hiti Heeti"),
    ("الكربولي", 3, "Karbouli Karbuli"),
    ("النمراوي", 3, "Nimrawi Nemrawi"),
    ("الشمري", 4, "Shammari Shamari"),
    ("الزوبعي", 4, "Zobaie Zubaie Zawbaee"),
    ("الجغيفي", 2, "Jughaifi Jghaifi"),
    ("البوعيثي", 2, "Bu Aithi Buaithi"),
    ("المرعاوي", 2, "Maraawi Mar'awi"),
)

AREAS: tuple[str, ...] = (
    "الرمادي",
    "الفلوجة",
    "هيت",
    "حديثة",
    "عانة",
    "راوة",
    "القائم",
    "الرطبة",
    "الكرمة",
    "الخالدية",
)
