"""A made-up but realistic Stockholm stad as HR files: rosters, changed rosters, completions.

Everything is deterministic: the same arguments (seed and as-of date included) give the
same bytes. Nothing here touches the database; the files go through the real imports.

The organisation: the 13 stadsdelsförvaltningar and the facknämnders förvaltningar, each
with a förvaltningsledning (the direktör and a stab), 3–6 avdelningar (each with an
avdelningsledning: the avdelningschef) and enheter of about 8–40 people, each with a chef
whom the enhet's staff report to. Enhet chefs report to their avdelningschef, who reports
to the direktör.
"""

import csv
import io
import random
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

ROSTER_HEADERS = (
    "Anställningsnummer", "Förnamn", "Efternamn", "E-post", "Förvaltning", "Avdelning",
    "Enhet", "Chefens anställningsnummer", "Invånarnära", "Anställd från",
)  # fmt: skip
COMPLETION_HEADERS = ("Anställningsnummer", "Genomförd", "Kursversion")
KEYS = ("number", "first", "last", "email", "adm", "avd", "unit", "chef", "close", "since")
EMAIL_DOMAIN = "stockholm.se"
EARLIEST_HIRE = date(1995, 1, 1)
FIRST_NUMBER, LAST_FIRST_NUMBER = 100_000, 8_999_999  # room above for new hires' numbers
MIN_PER_ADMINISTRATION = 4  # direktör, avdelningschef, enhet chef, one medarbetare
LEDNING, STAB, AVD_LEDNING = "Förvaltningsledning", "Ledningsstaben", "Avdelningsledning"

# ---------------------------------------------------------------------------------------------
# Names of people (a few hundred first and last names, grouped by origin)

# group: (share of Stockholm staff, first names, last names)
NAME_GROUPS = {
    "svenska": (0.66, (
        "Anna Eva Maria Karin Sara Kristina Lena Emma Kerstin Ingrid Marie Malin Jenny Linda "
        "Hanna Elin Johanna Annika Susanne Ulrika Camilla Helena Sofia Cecilia Birgitta Monica "
        "Anette Lisa Julia Ida Frida Matilda Moa Ebba Klara Elsa Alice Maja Wilma Agnes Linnea "
        "Josefin Therese Åsa Ylva Pernilla Lotta Ann-Sofie Anna-Karin Märta Sigrid Tove "
        "Caroline Jessica Petra Mikaela Louise Emelie Amanda Erik Lars Karl Anders Johan Per "
        "Nils Mikael Jan Hans Peter Thomas Daniel Fredrik Magnus Mattias Andreas Stefan Jonas "
        "Martin Henrik Marcus Niklas Oskar Gustav Axel William Lucas Hugo Elias Viktor Emil "
        "Anton Filip Simon Jakob David Olle Björn Göran Ulf Bengt Kjell Leif Sven Rickard "
        "Joakim Patrik Tobias Sebastian Linus Albin Ludvig Hampus Pontus Carl-Johan Jesper "
        "Robin Kristoffer Åke"
    ).split(), (
        "Andersson Johansson Karlsson Nilsson Eriksson Larsson Olsson Persson Svensson "
        "Gustafsson Pettersson Jonsson Jansson Hansson Bengtsson Jönsson Lindberg Jakobsson "
        "Magnusson Lindström Olofsson Lindqvist Lindgren Berg Axelsson Bergström Lundberg Lind "
        "Lundgren Lundqvist Mattsson Berglund Fredriksson Sandberg Henriksson Forsberg Sjöberg "
        "Wallin Engström Eklund Danielsson Håkansson Lundin Björk Bergman Gunnarsson Holm "
        "Wikström Samuelsson Isaksson Fransson Bergqvist Nyström Holmberg Arvidsson Löfgren "
        "Söderberg Nyberg Blomqvist Claesson Nordström Mårtensson Lundström Viklund Björklund "
        "Eliasson Pålsson Berggren Sandström Nordin Ström Åberg Hermansson Ekström Holmgren "
        "Sundberg Hedlund Dahlberg Hellström Sjögren Abrahamsson Falk Martinsson Öberg "
        "Andreasson Blom Ek Strand Åkesson Månsson Sundström Lindholm Dahl Norberg"
    ).split() + ["von Essen", "af Klercker"]),
    "finska": (0.04, (
        "Pirjo Marja Tuula Anneli Riitta Sirpa Aino Satu Jukka Matti Kari Timo Juha Heikki "
        "Pekka Seppo Eino Mikko"
    ).split(), (
        "Virtanen Korhonen Nieminen Mäkinen Hämäläinen Laine Heikkinen Koskinen Järvinen "
        "Lehtonen Salminen Niemi Lahtinen Kinnunen"
    ).split()),
    "arabiska": (0.08, (
        "Mohammed Ahmed Ali Hassan Hussein Omar Khalid Yousef Ibrahim Mustafa Karim Samir "
        "Fatima Aisha Mariam Zainab Noor Layla Rania Hiba Yasmin Amira Huda Dalia Lina Rasha "
        "Nadia Tariq Bilal"
    ).split(), (
        "Ali Hassan Hussein Mohammed Ahmed Abdullah Ibrahim Khalil Saleh Haddad Mansour "
        "Nasser Yousef Al-Hashimi Jaber Haidar Kassem Saad Aziz Othman Hamdan Khoury"
    ).split()),
    "somaliska": (0.03, (
        "Abdi Abdirahman Abdullahi Hodan Faduma Amina Hibo Asad Ayaan Deeqa Hamza Ilhan "
        "Khadra Nasra Ubah Mahad"
    ).split(), (
        "Mohamed Farah Warsame Abdi Hassan Osman Jama Aden Yusuf Omar Nur Ismail Guled Dahir"
    ).split()),
    "persiska": (0.03, (
        "Reza Mehdi Dariush Kourosh Babak Parisa Shirin Maryam Nasrin Leila Azadeh Negin Roya "
        "Arash Farhad Nima"
    ).split(), (
        "Ahmadi Hosseini Mohammadi Rezaei Karimi Moradi Jafari Rahimi Sadeghi Tehrani "
        "Farahani Rostami"
    ).split()),
    "turkiska och kurdiska": (0.03, (
        "Mehmet Ayşe Emre Elif Zeynep Murat Hakan Deniz Canan Serkan Dilan Rojda Baran "
        "Berivan Azad Şirin"
    ).split(), (
        "Yılmaz Kaya Demir Şahin Çelik Yıldız Öztürk Aydın Arslan Doğan Kurt Koç Ekinci "
        "Güneş"
    ).split()),
    "bosniska, kroatiska och serbiska": (0.03, (
        "Amir Emir Edin Adnan Jasmin Amra Lejla Selma Emina Mirza Dragan Goran Milica Jelena "
        "Ivana Nikola Marko"
    ).split(), (
        "Hodžić Hadžić Begić Delić Kovačević Jovanović Petrović Nikolić Marković Đorđević "
        "Ilić Babić Mehmedović Alić"
    ).split()),
    "polska": (0.02, (
        "Agnieszka Katarzyna Małgorzata Magdalena Tomasz Piotr Krzysztof Paweł Marcin Łukasz "
        "Joanna Ewa Michał Aleksandra"
    ).split(), (
        "Nowak Wójcik Kowalczyk Woźniak Mazur Krawczyk Kaczmarek Zając Król Wieczorek Pawlak "
        "Michalak Sikora Duda"
    ).split()),
    "spanska": (0.03, (
        "José Carlos Juan Luis Jorge Diego Alejandro Pablo Carmen Gabriela Daniela Valentina "
        "Camila Isabel Paula Rosa"
    ).split(), (
        "González Rodríguez Fernández López Martínez Pérez Sánchez Ramírez Torres Flores "
        "Rivera Gómez Díaz Morales Herrera Castillo Vargas Rojas Muñoz Contreras Silva Araya "
        "Soto"
    ).split() + ["de la Cruz"]),
    "tigrinja och amhariska": (0.03, (
        "Yonas Dawit Tesfaye Samuel Mulugeta Selam Hiwot Meron Senait Tsegay Yohannes Rahel "
        "Saba Mekdes Biniam Filmon"
    ).split(), (
        "Tesfay Gebremedhin Haile Tekle Ghebreyesus Berhane Kidane Woldu Mehari Asmerom "
        "Tesfamariam Habte"
    ).split()),
    "grekiska": (0.004, "Nikos Eleni Dimitris Georgios Katerina Maria Yannis".split(), (
        "Papadopoulos Georgiou Nikolaidis Konstantinou Dimitriou Alexiou"
    ).split()),
    "kinesiska": (0.004, "Wei Jing Min Hui Xin Lei Yan".split(),
                  "Wang Li Zhang Chen Liu Yang Huang Zhao".split()),
    "vietnamesiska och thai": (0.004, "Thu Minh Linh Huong Anh Siriporn Somchai".split(),
                               "Nguyen Tran Pham Le Hoang Srisuk Suksawat".split()),
    "indiska": (0.004, "Priya Anil Rahul Deepa Sanjay Anjali Ravi Sunita".split(),
                "Patel Sharma Singh Gupta Kumar Reddy Iyer".split()),
    "engelska": (0.004, "James Emily Oliver Sophie Thomas Charlotte".split(),
                 "Smith Brown Wilson Taylor Johnson Walker".split()),
}  # fmt: skip

# ---------------------------------------------------------------------------------------------
# Names of places and enheter

DISTRICTS = {  # stadsdelsförvaltning → its stadsdelar (the city's current 13, since 2020)
    "Rinkeby-Kista stadsdelsförvaltning": "Rinkeby Kista Husby Akalla Kista gård",
    "Spånga-Tensta stadsdelsförvaltning": "Spånga Tensta Hjulsta Solhem Bromsten Flysta Sundby",
    "Hässelby-Vällingby stadsdelsförvaltning": (
        "Vällingby Hässelby gård Hässelby strand Grimsta Råcksta Vinsta Kälvesta Nälsta "
        "Hässelby villastad"
    ),
    "Bromma stadsdelsförvaltning": (
        "Abrahamsberg Alvik Blackeberg Brommaplan Bällsta Eneby Nockeby Olovslund Riksby "
        "Smedslätten Traneberg Ulvsunda Åkeshov Äppelviken Ålsten Höglandet Mariehäll "
        "Beckomberga"
    ),
    "Kungsholmens stadsdelsförvaltning": (
        "Kungsholmen Fridhemsplan Kristineberg Lilla Essingen Stora Essingen Marieberg "
        "Stadshagen Thorildsplan Rålambshov"
    ),
    "Norrmalms stadsdelsförvaltning": (
        "Vasastan Norrmalm Sankt Eriksplan Hagastaden Sibirien Vanadis Odenplan Tegnérlunden"
    ),
    "Östermalms stadsdelsförvaltning": (
        "Östermalm Gärdet Hjorthagen Ropsten Djurgården Lärkstaden Norra Djurgårdsstaden"
    ),
    "Södermalms stadsdelsförvaltning": (
        "Södermalm Gamla stan Hornstull Skanstull Slussen Hammarby sjöstad Katarina Högalid "
        "Sofia Långholmen Reimersholme Zinkensdamm"
    ),
    "Enskede-Årsta-Vantörs stadsdelsförvaltning": (
        "Enskede Enskededalen Enskedefältet Årsta Johanneshov Hagsätra Rågsved Högdalen "
        "Bandhagen Stureby Örby Snösätra"
    ),
    "Skarpnäcks stadsdelsförvaltning": (
        "Skarpnäck Bagarmossen Björkhagen Kärrtorp Hammarbyhöjden Skarpnäcksfältet Pungpinan"
    ),
    "Farsta stadsdelsförvaltning": (
        "Farsta Farsta strand Gubbängen Hökarängen Sköndal Larsboda Fagersjö Svedmyra Tallkrogen"
    ),
    "Hägersten-Älvsjö stadsdelsförvaltning": (
        "Hägersten Hägerstensåsen Fruängen Västertorp Midsommarkransen Aspudden Liljeholmen "
        "Gröndal Västberga Älvsjö Solberga Liseberg Långbro Herrängen"
    ),
    "Skärholmens stadsdelsförvaltning": "Skärholmen Bredäng Sätra Vårberg",
}
MULTI_WORD_PLACES = {
    "Kista gård", "Hässelby gård", "Hässelby strand", "Hässelby villastad", "Lilla Essingen",
    "Stora Essingen", "Sankt Eriksplan", "Norra Djurgårdsstaden", "Gamla stan",
    "Hammarby sjöstad", "Farsta strand",
}  # fmt: skip


def _places(text: str) -> list[str]:
    """Split a list of place names, keeping the multi-word ones whole."""
    words, places = text.split(), []
    while words:
        pair = " ".join(words[:2])
        three = " ".join(words[:3])
        if three in MULTI_WORD_PLACES or pair in MULTI_WORD_PLACES:
            taken = 3 if three in MULTI_WORD_PLACES else 2
            places.append(" ".join(words[:taken]))
            words = words[taken:]
        else:
            places.append(words.pop(0))
    return places


PLACES = {name: _places(text) for name, text in DISTRICTS.items()}
CITY_PLACES = [place for places in PLACES.values() for place in places]

POOLS = {
    "natur": (
        "Solrosen Blåklockan Vitsippan Prästkragen Maskrosen Smörblomman Tussilago Lingonet "
        "Blåbäret Hallonet Ekorren Igelkotten Myran Nyckelpigan Fjärilen Trollsländan "
        "Regnbågen Stjärnan Månen Solen Tallen Granen Björken Eken Linden Lönnen Rönnen "
        "Kastanjen Äppelträdet Körsbäret Humlan Ugglan Svalan Tranan Vildrosen Kantarellen "
        "Snäckan Bäcken Kullen Ängen Lyckan Skogsbrynet Dungen Backsippan Lärkan Sjöstjärnan "
        "Klövern Pärlan Skattkistan Kotten Mossen Näckrosen Lövet Droppen Vinden Kometen "
        "Fyren Ankan Räven Haren Musen Uttern Bävern Gläntan Hagen Vallmon Liljan Tulpanen"
    ).split(),
    "boende": (
        "Solgården Ekhagen Lindgården Rosenlund Björkbacken Sjöviken Ängsgården Tallbacken "
        "Hagaberg Vintergatan Kastanjegården Lönnbacken Ekbacken Sjöstugan Vårdhemmet Linnea "
        "Ängsbacken Lillhagen Enbacken Solbacken"
    ).split(),
    "ungdom": (
        "Tallen Kulan Tunneln Vulkanen Planeten Bunkern Oasen Kompassen Fyren Gnistan "
        "Trappan Källaren Ankaret Gläntan Navet Hörnet Boxen Station"
    ).split(),
    "park": (
        "Vita Bergen Tessan Rålis Humlan Tanto Ängby Kärrtorp Gubbängen Sätra Bredäng "
        "Aspudden Enskede Vasaparken Observatorielunden Ugglan Plikta"
    ).split(),
    "gata": (
        "Apelvägen Björkvägen Ekvägen Granvägen Hasselvägen Idegransvägen Lönnvägen "
        "Rönnvägen Sälgvägen Tallvägen Almvägen Aspvägen Ringvägen Storgatan Skolgatan "
        "Kyrkvägen Bergsvägen Sjövägen Parkvägen Ängsvägen"
    ).split(),
    "gymnasium": [
        "Kungsholmens gymnasium",
        "Norra Real",
        "Södra Latin",
        "Östra Real",
        "Blackebergs gymnasium",
        "Kärrtorps gymnasium",
        "Thorildsplans gymnasium",
        "Globala gymnasiet",
        "Spånga gymnasium",
        "Frans Schartaus gymnasium",
        "Bromma gymnasium",
        "Farsta gymnasium",
        "Enskede gårds gymnasium",
        "Ross Tensta gymnasium",
        "Kista gymnasium",
        "Sjöstadens gymnasium",
        "Skärholmens gymnasium",
        "Åsö vuxengymnasium",
    ],  # fmt: skip
}


def _school(place: str) -> str:
    """'Bredäng' → 'Bredängsskolan', 'Kista' → 'Kistaskolan', 'Gamla stan' → 'Gamla stans skola'."""
    if " " in place or place.endswith(("en", "an")):
        return f"{place}s skola"
    if place[-1] in "aeiouyåäös":
        return f"{place}skolan"
    return f"{place}sskolan"


POOLS["skola"] = [_school(place) for place in CITY_PLACES]


@dataclass(frozen=True)
class UnitKind:
    """A kind of enhet: how it is named, how many people it has, whether invånarnära."""

    pattern: str  # "Förskolan {}" – {} takes a name from the pool
    pool: str | tuple[str, ...]  # a POOLS key, "plats" (the förvaltning's places) or fixed names
    sizes: tuple[int, int]
    close: bool
    weight: float = 1.0
    suffixes: tuple[str, ...] = ("",)


def fixed(names: str, sizes=(10, 30), close=False, weight=1.0) -> UnitKind:
    """Enheter with fixed names ('A|B|C')."""
    return UnitKind("{}", tuple(names.split("|")), sizes, close, weight)


@dataclass(frozen=True)
class DepartmentKind:
    """An avdelning: its name, its share of the förvaltning's staff, its kinds of enheter."""

    name: str
    weight: float
    kinds: tuple[UnitKind, ...]
    core: bool = False  # every förvaltning of its type has it (when big enough)


def dept(name: str, weight: float, *kinds: UnitKind, core: bool = False) -> DepartmentKind:
    """An avdelning template."""
    return DepartmentKind(name, weight, kinds, core)


ADMIN_UNITS = fixed(
    "Ekonomienheten|HR-enheten|Kommunikationsenheten|Kansliet|Utvecklingsenheten|IT-enheten|"
    "Registraturen|Kvalitetsenheten"
)
ADMINISTRATIVE = dept("Administrativa avdelningen", 0.06, ADMIN_UNITS, core=True)

DISTRICT_DEPARTMENTS = (
    dept("Avdelningen för förskola", 0.36,
         UnitKind("Förskolan {}", "natur", (12, 30), True), core=True),
    dept("Avdelningen för äldreomsorg", 0.24,
         UnitKind("Hemtjänsten {}", "plats", (15, 40), True, 3,
                  ("", " norra", " södra", " kväll", " natt")),
         UnitKind("Vård- och omsorgsboendet {}", "boende", (25, 40), True, 2),
         UnitKind("Dagverksamheten {}", "plats", (8, 14), True), core=True),
    dept("Avdelningen för individ och familj", 0.14,
         UnitKind("Barn och unga {}", "plats", (10, 25), True, 2),
         UnitKind("Ekonomiskt bistånd {}", "plats", (10, 25), True, 2),
         UnitKind("Vuxenenheten {}", "plats", (8, 20), True),
         fixed("Mottagningsenheten|Familjerätten|Fältassistenterna|Familjebehandlingen",
               (8, 16), True), core=True),
    ADMINISTRATIVE,
    dept("Avdelningen för stöd och service", 0.10,
         UnitKind("Gruppbostaden {}", "gata", (8, 16), True, 2),
         UnitKind("Daglig verksamhet {}", "plats", (10, 20), True),
         UnitKind("Boendestödet {}", "plats", (8, 15), True)),
    dept("Avdelningen för kultur och fritid", 0.06,
         UnitKind("Fritidsgården {}", "ungdom", (8, 14), True, 2),
         UnitKind("Parkleken {}", "park", (8, 12), True)),
    dept("Avdelningen för stadsmiljö", 0.04,
         fixed("Parkenheten|Trygghetsenheten|Stadsmiljöenheten", (8, 14)),
         fixed("Medborgarkontoret", (8, 14), True)),
)  # fmt: skip

# förvaltning → (relative size, avdelningar); the order decides which exist when fewer are asked
AGENCIES = {
    "Utbildningsförvaltningen": (13_000, (
        dept("Grundskoleavdelningen", 0.62,
             UnitKind("{}", "skola", (20, 40), True, 1,
                      (" åk F–3", " åk 4–6", " åk 7–9", " fritidshem")), core=True),
        dept("Gymnasieavdelningen", 0.2,
             UnitKind("{}", "gymnasium", (15, 40), True, 1,
                      (", naturvetenskap", ", samhällsvetenskap", ", yrkesprogram",
                       ", introduktionsprogram", ", elevhälsa")), core=True),
        ADMINISTRATIVE,
        dept("Avdelningen för elevhälsa", 0.05, UnitKind("Elevhälsan {}", "plats", (8, 20), True)),
        dept("Avdelningen för skolutveckling", 0.04,
             fixed("Enheten för skolutveckling|Enheten för nyanlända|Skolplaneringsenheten"),
             fixed("Modersmålsenheten", (15, 40), True)),
    )),
    "Socialförvaltningen": (1_600, (
        dept("Avdelningen för stöd till barn och unga", 0.35,
             fixed("Socialjouren|Ungdomsjouren|Barnahus Stockholm|Familjehemsenheten|"
                   "Resursenheten barn och unga|Mottagningshemmet", (10, 30), True), core=True),
        dept("Avdelningen för hemlöshet och beroende", 0.3,
             UnitKind("Stödboendet {}", "gata", (10, 25), True),
             fixed("Uppsökarenheten|Beroendecentrum|Härbärget", (10, 25), True), core=True),
        ADMINISTRATIVE,
        dept("Avdelningen för funktionsnedsättning", 0.2,
             UnitKind("Gruppbostaden {}", "gata", (8, 16), True)),
        dept("Avdelningen för kvalitet och utveckling", 0.05,
             fixed("FoU-enheten|Enheten för kunskapsutveckling|Enheten för kvalitetsuppföljning")),
    )),
    "Stadsledningskontoret": (800, (
        dept("Säkerhetsavdelningen", 0.15,
             fixed("Enheten för trygghet och brottsförebyggande arbete|Krisberedskapsenheten|"
                   "Enheten för informationssäkerhet|Säkerhetsenheten"), core=True),
        dept("Ekonomiavdelningen", 0.2,
             fixed("Budgetenheten|Redovisningsenheten|Finansenheten|Enheten för ekonomistyrning"),
             core=True),
        dept("HR-avdelningen", 0.2,
             fixed("Enheten för arbetsgivarfrågor|Lönepolicyenheten|"
                   "Enheten för kompetensförsörjning|Förhandlingsenheten"), core=True),
        dept("Kommunikationsavdelningen", 0.1,
             fixed("Webbenheten|Pressenheten|Enheten för intern kommunikation")),
        dept("Juridiska avdelningen", 0.1,
             fixed("Juridiska enheten|Kommunstyrelsens kansli|Registratur och arkiv")),
        dept("Avdelningen för digital utveckling", 0.25,
             fixed("Enheten för digital utveckling|Enheten för IT-arkitektur|"
                   "Enheten för e-tjänster|Enheten för dataanalys")),
    )),
    "Äldreförvaltningen": (700, (
        dept("Avdelningen för vård och omsorg", 0.6,
             UnitKind("Vård- och omsorgsboendet {}", "boende", (25, 40), True, 2),
             fixed("Äldre direkt|Seniorträffpunkterna", (8, 20), True), core=True),
        dept("Avdelningen för biståndsbedömning", 0.25,
             UnitKind("Biståndshandläggning {}", "plats", (8, 20), True), core=True),
        ADMINISTRATIVE,
        dept("Avdelningen för stöd och utveckling", 0.1,
             fixed("Enheten för äldrestrategi|Enheten för kvalitet och uppföljning")),
    )),
    "Kulturförvaltningen": (900, (
        dept("Stadsbiblioteket", 0.35,
             UnitKind("Biblioteket {}", "plats", (8, 20), True, 3),
             fixed("Stadsbiblioteket Odenplan", (20, 40), True), core=True),
        dept("Kulturskolan", 0.25, UnitKind("Kulturskolan {}", "plats", (8, 20), True), core=True),
        ADMINISTRATIVE,
        dept("Stadsmuseiavdelningen", 0.12,
             fixed("Stadsmuseet|Medeltidsmuseet|Stockholmskällan", (8, 25), True)),
        dept("Stadsarkivet", 0.1,
             fixed("Arkivenheten|Digitaliseringsenheten"),
             fixed("Forskarexpeditionen", close=True)),
        dept("Kulturstrategiska avdelningen", 0.08,
             fixed("Enheten för kulturstöd|Konstenheten|Evenemangsenheten")),
    )),
    "Arbetsmarknadsförvaltningen": (900, (
        dept("Jobbtorg Stockholm", 0.45, UnitKind("Jobbtorg {}", "plats", (10, 25), True),
             core=True),
        dept("Avdelningen för vuxenutbildning", 0.35,
             UnitKind("Sfi {}", "plats", (10, 30), True), UnitKind("Komvux {}", "plats",
                                                                   (10, 30), True), core=True),
        ADMINISTRATIVE,
        dept("Avdelningen för unga", 0.1,
             UnitKind("Jobbtorg Unga {}", "plats", (8, 15), True),
             fixed("Feriejobbsenheten", (8, 15))),
    )),
    "Idrottsförvaltningen": (700, (
        dept("Anläggningsavdelningen", 0.7,
             UnitKind("Simhallen {}", "plats", (10, 30), True),
             UnitKind("Idrottsplatsen {}", "plats", (8, 20), True),
             UnitKind("Ishallen {}", "plats", (8, 15), True),
             fixed("Eriksdalsbadet", (30, 40), True), core=True),
        dept("Avdelningen för föreningsstöd", 0.15,
             fixed("Föreningsenheten|Enheten för idrottsutveckling"), core=True),
        ADMINISTRATIVE,
    )),
    "Trafikkontoret": (600, (
        dept("Avdelningen för trafikplanering", 0.3,
             fixed("Planeringsenheten|Enheten för cykel och gång|Enheten för kollektivtrafik"),
             core=True),
        dept("Avdelningen för gatu- och trafikdrift", 0.4,
             fixed("Gatudriften City|Gatudriften Söderort|Gatudriften Västerort|Trafikenheten",
                   (10, 25)), core=True),
        dept("Parkeringsövervakningen", 0.2,
             fixed("Parkeringsövervakningen City|Parkeringsövervakningen Söderort|"
                   "Parkeringsövervakningen Västerort", (10, 30), True)),
        ADMINISTRATIVE,
    )),
    "Serviceförvaltningen": (600, (
        dept("Kontaktcenter Stockholm", 0.45,
             fixed("Kontaktcenter, team socialtjänst|Kontaktcenter, team skola|"
                   "Kontaktcenter, team äldreomsorg|Kontaktcenter, team stadsmiljö|"
                   "Kontaktcenter, team bygglov|Kontaktcenter, kvällsjour", (10, 30), True),
             core=True),
        dept("Avdelningen för ekonomiservice", 0.2,
             fixed("Leverantörsreskontra|Kundreskontra|Redovisningsservice"), core=True),
        dept("Avdelningen för IT-service", 0.2,
             fixed("Servicedesk|Enheten för IT-drift|Enheten för behörigheter")),
        dept("Avdelningen för HR-service", 0.1, fixed("Lönecenter|HR-servicecenter")),
        ADMINISTRATIVE,
    )),
    "Stadsbyggnadskontoret": (550, (
        dept("Planavdelningen", 0.3,
             fixed("Planenheten City|Planenheten Söderort|Planenheten Västerort|"
                   "Strategienheten"), core=True),
        dept("Bygglovsavdelningen", 0.3,
             fixed("Bygglovsenheten City|Bygglovsenheten Söderort|Bygglovsenheten Västerort|"
                   "Tillsynsenheten"), core=True),
        dept("Lantmäteriavdelningen", 0.2, fixed("Fastighetsbildning|Kartenheten|Geodataenheten")),
        dept("Avdelningen för kundservice", 0.1,
             fixed("Stadsbyggnadskontorets kundtjänst", close=True)),
        ADMINISTRATIVE,
    )),
    "Exploateringskontoret": (350, (
        dept("Avdelningen för stadsutveckling", 0.5,
             fixed("Projektenheten City|Projektenheten Söderort|Projektenheten Västerort|"
                   "Projektenheten Norra Djurgårdsstaden"), core=True),
        dept("Mark- och exploateringsavdelningen", 0.4,
             fixed("Markenheten|Exploateringsenheten|Arrendeenheten"), core=True),
        ADMINISTRATIVE,
    )),
    "Fastighetskontoret": (300, (
        dept("Förvaltningsavdelningen", 0.5,
             fixed("Förvaltningsenheten City|Förvaltningsenheten Söderort|"
                   "Förvaltningsenheten Västerort|Driftenheten"), core=True),
        dept("Avdelningen för lokalförsörjning", 0.3, fixed("Lokalenheten|Projektenheten"),
             core=True),
        dept("Saluhallar och torghandel", 0.1,
             fixed("Torghandeln|Östermalms saluhall", (8, 14), True)),
        ADMINISTRATIVE,
    )),
    "Miljöförvaltningen": (300, (
        dept("Miljö- och hälsoskyddsavdelningen", 0.5,
             fixed("Livsmedelsenheten|Hälsoskyddsenheten|Miljöskyddsenheten"), core=True),
        dept("Miljöanalysavdelningen", 0.3, fixed("Luftenheten|Vattenenheten|Miljöövervakningen"),
             core=True),
        dept("Avdelningen för klimat och hållbarhet", 0.1,
             fixed("Klimatenheten|Enheten för hållbar utveckling")),
        ADMINISTRATIVE,
    )),
    "Kyrkogårdsförvaltningen": (250, (
        dept("Driftsavdelningen", 0.7,
             fixed("Skogskyrkogården|Norra begravningsplatsen|Sandsborgskyrkogården|"
                   "Brännkyrka kyrkogård|Bromma kyrkogård|Hässelby begravningsplats|"
                   "Strandkyrkogården", (8, 30), True), core=True),
        dept("Avdelningen för kundservice", 0.2,
             fixed("Kundtjänsten", close=True), fixed("Gravrättsenheten"), core=True),
        ADMINISTRATIVE,
    )),
    "Överförmyndarförvaltningen": (150, (
        dept("Handläggningsavdelningen", 0.7,
             fixed("Enheten för ställföreträdarskap|Granskningsenheten|"
                   "Enheten för ensamkommande barn"), fixed("Mottagningen", close=True),
             core=True),
        dept("Avdelningen för rekrytering av ställföreträdare", 0.2,
             fixed("Rekryteringsenheten|Utbildningsenheten"), core=True),
        ADMINISTRATIVE,
    )),
}  # fmt: skip
DISTRICT_SIZES = {  # relative size of each stadsdelsförvaltning
    "Rinkeby-Kista": 2_400, "Spånga-Tensta": 1_700, "Hässelby-Vällingby": 2_700,
    "Bromma": 2_600, "Kungsholmens": 1_900, "Norrmalms": 1_800, "Östermalms": 1_800,
    "Södermalms": 3_000, "Enskede-Årsta-Vantörs": 3_200, "Skarpnäcks": 1_800,
    "Farsta": 2_300, "Hägersten-Älvsjö": 3_200, "Skärholmens": 1_700,
}  # fmt: skip
ADMINISTRATIONS = [
    (f"{name} stadsdelsförvaltning", size) for name, size in DISTRICT_SIZES.items()
] + [(name, size) for name, (size, _) in AGENCIES.items()]
assert len({name for name, _ in ADMINISTRATIONS}) == len(ADMINISTRATIONS)
assert all(name in DISTRICTS for name, _ in ADMINISTRATIONS[:13])


# ---------------------------------------------------------------------------------------------
# Files


def read_rows(data: bytes) -> list[dict[str, str]]:
    """The rows of a roster file written by this module, keyed by short names (KEYS)."""
    reader = csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";")
    next(reader)
    return [dict(zip(KEYS, row, strict=True)) for row in reader if row]


def write_rows(rows: Sequence[dict[str, str]]) -> bytes:
    """A roster file as HR gives it: `;`-separated UTF-8 with BOM, Swedish headers."""
    return _csv(ROSTER_HEADERS, ([row[key] for key in KEYS] for row in rows))


def _csv(headers, rows) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(headers)
    writer.writerows(rows)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


# ---------------------------------------------------------------------------------------------
# People


ASCII_EXTRA = str.maketrans({"ı": "i", "ł": "l", "Ł": "L", "đ": "d", "Đ": "D", "ø": "o",
                             "Ø": "O", "æ": "ae", "Æ": "AE", "ß": "ss"})  # fmt: skip


def ascii_fold(text: str) -> str:
    """'Åsa-Märta Yılmaz de la Cruz' → 'asa-marta-yilmaz-delacruz'-style e-post parts."""
    decomposed = unicodedata.normalize("NFKD", text.translate(ASCII_EXTRA))
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).lower()
    return "".join(c for c in plain if c.isascii() and (c.isalnum() or c == "-"))


class _People:
    """Makes people: names, unique e-post addresses, unique anställningsnummer."""

    def __init__(self, rng: random.Random, taken_emails=(), taken_numbers=()):
        self.rng = rng
        self.groups = list(NAME_GROUPS.values())
        self.weights = [share for share, _, _ in self.groups]
        self.emails = set(taken_emails)
        self.next_suffix: Counter = Counter()
        self.numbers = set(taken_numbers)
        self.highest = max((int(n) for n in self.numbers), default=LAST_FIRST_NUMBER)

    def name(self) -> tuple[str, str]:
        """A first and a last name, usually of the same origin."""
        _, firsts, lasts = self.rng.choices(self.groups, self.weights)[0]
        first = self.rng.choice(firsts)
        if self.rng.random() < 0.12:  # married, adopted, mixed families
            lasts = self.rng.choices(self.groups, self.weights)[0][2]
        return first, self.rng.choice(lasts)

    def email(self, first: str, last: str) -> str:
        """fornamn.efternamn@stockholm.se, with .2, .3 … when taken."""
        base = f"{ascii_fold(first)}.{ascii_fold(last)}"
        candidate = f"{base}@{EMAIL_DOMAIN}"
        while candidate in self.emails:
            self.next_suffix[base] = max(self.next_suffix[base], 1) + 1
            candidate = f"{base}.{self.next_suffix[base]}@{EMAIL_DOMAIN}"
        self.emails.add(candidate)
        return candidate

    def numbers_for(self, count: int) -> list[str]:
        """`count` unique anställningsnummer (6–7 digits) for a new roster."""
        numbers = self.rng.sample(range(FIRST_NUMBER, LAST_FIRST_NUMBER + 1), count)
        self.numbers.update(str(n) for n in numbers)
        self.highest = max([self.highest, *numbers])
        return [str(n) for n in numbers]

    def new_hire_number(self) -> str:
        """A number above every number ever used (HR hands them out in order)."""
        self.highest += self.rng.randint(1, 40)
        self.numbers.add(str(self.highest))
        return str(self.highest)


def hire_date(rng: random.Random, as_of: date, senior: bool = False) -> date:
    """When someone was employed: many recently, a long tail back to 1995; ~3 % last 60 days."""
    if not senior and rng.random() < 0.03:
        return as_of - timedelta(days=rng.randint(0, 59))
    years = rng.expovariate(1 / (13 if senior else 8))
    day = as_of - timedelta(days=60 + int(years * 365.25))
    if day < EARLIEST_HIRE:
        day = EARLIEST_HIRE + timedelta(days=rng.randint(0, 5 * 365))
    return day


# ---------------------------------------------------------------------------------------------
# The roster


def generate_roster(
    employees: int, seed: int = 2019, administrations: int | None = None, as_of: date | None = None
) -> bytes:
    """A roster of `employees` people in the first `administrations` förvaltningar (all: 28)."""
    count = len(ADMINISTRATIONS) if administrations is None else administrations
    if not 1 <= count <= len(ADMINISTRATIONS):
        raise ValueError(f"administrations must be 1–{len(ADMINISTRATIONS)}")
    if employees < MIN_PER_ADMINISTRATION * count:
        raise ValueError(f"{count} förvaltningar need at least {MIN_PER_ADMINISTRATION * count}")
    rng = random.Random(seed)
    as_of = as_of or date.today()
    chosen = ADMINISTRATIONS[:count]
    sizes = _allocate(
        employees, [size * rng.uniform(0.85, 1.15) for _, size in chosen], MIN_PER_ADMINISTRATION
    )
    people = _People(rng)
    numbers = iter(people.numbers_for(employees))
    rows: list[dict[str, str]] = []
    for (name, _), size in zip(chosen, sizes, strict=True):
        _administration(rows, rng, people, numbers, as_of, name, size)
    rows.sort(key=lambda row: int(row["number"]))  # HR exports sort by anställningsnummer
    return write_rows(rows)


def _allocate(total: int, weights: Sequence[float], minimum: int) -> list[int]:
    """Split `total` by weights (largest remainder), each part at least `minimum`."""
    spare = total - minimum * len(weights)
    exact = [spare * w / sum(weights) for w in weights]
    counts = [int(x) for x in exact]
    by_remainder = sorted(range(len(weights)), key=lambda i: counts[i] - exact[i])
    for i in by_remainder[: spare - sum(counts)]:
        counts[i] += 1
    return [minimum + c for c in counts]


def _administration(rows, rng, people, numbers, as_of, name: str, size: int) -> None:
    """The förvaltning's people: direktör and stab, then each avdelning."""
    if name in DISTRICTS:
        templates, places = DISTRICT_DEPARTMENTS, PLACES[name]
    else:
        templates, places = AGENCIES[name][1], CITY_PLACES
    stab = min(10, size // 100) if size >= 100 else min(1, size // 20)
    departments = _choose_departments(rng, templates, (size - 1 - stab) // 3)
    add = _adder(rows, rng, people, numbers, as_of, name)
    director = add(LEDNING, STAB, "", False, senior=True)
    for _ in range(stab):
        add(LEDNING, STAB, director, False)
    shares = _allocate(
        size - 1 - stab, [d.weight * rng.uniform(0.8, 1.2) for d in departments], minimum=3
    )
    for template, staff in zip(departments, shares, strict=True):
        _department(add, rng, template, staff, director, places)


def _choose_departments(rng, templates, most: int) -> list[DepartmentKind]:
    """The core avdelningar and some others: 3–6 of them (fewer in a tiny förvaltning)."""
    core = [t for t in templates if t.core]
    others = [t for t in templates if t not in core]
    rng.shuffle(others)
    wanted = max(3, min(6, len(core) + rng.randint(0, 2)))
    chosen = (core + others)[: max(1, min(wanted, most))]
    return sorted(chosen, key=templates.index)


def _adder(rows, rng, people, numbers, as_of, administration: str):
    """A function that adds one person to the roster and returns their number."""

    def add(avd: str, unit: str, chef: str, close: bool, senior: bool = False) -> str:
        first, last = people.name()
        number = next(numbers)
        if close and rng.random() < 0.03:  # an administratör in a front-line enhet
            close = False
        rows.append({
            "number": number, "first": first, "last": last, "email": people.email(first, last),
            "adm": administration, "avd": avd, "unit": unit, "chef": chef,
            "close": "Ja" if close else "Nej",
            "since": hire_date(rng, as_of, senior).isoformat(),
        })  # fmt: skip
        return number

    return add


def _department(add, rng, template: DepartmentKind, staff: int, director: str, places) -> None:
    """An avdelning: its avdelningschef, then its enheter.

    A big avdelning has an avdelningsledning (the avdelningschef and a few others); in a
    small one the avdelningschef is also the chef of its first enhet.
    """
    ledning = min(6, staff // 60)
    names = _UnitNames(rng, template.kinds, places)
    units: list[tuple[UnitKind, str, int]] = []
    remaining = staff - ledning - (1 if ledning else 0)
    while remaining > 0:
        kind, unit_name = names.next()
        low, high = kind.sizes
        size = remaining if remaining <= high else rng.randint(low, high)
        units.append((kind, unit_name, size))
        remaining -= size
    if len(units) > 1 and units[-1][2] < min(8, units[-1][0].sizes[0]):  # spread a small rest
        _, _, rest = units.pop()
        for i in range(rest):
            kind, unit_name, size = units[i % len(units)]
            units[i % len(units)] = (kind, unit_name, size + 1)
    head = None
    if ledning:
        head = add(template.name, AVD_LEDNING, director, False, senior=True)
        for _ in range(ledning):
            add(template.name, AVD_LEDNING, head, False)
    for kind, unit_name, size in units:
        chef = add(template.name, unit_name, head or director, kind.close, senior=True)
        head = head or chef  # avdelningschef and chef of the first enhet
        for _ in range(size - 1):
            add(template.name, unit_name, chef, kind.close)


class _UnitNames:
    """Unique enhet names within one avdelning, drawn by kind weight."""

    def __init__(self, rng: random.Random, kinds: Sequence[UnitKind], places: Sequence[str]):
        self.rng = rng
        self.kinds = list(kinds)
        self.left: dict[int, list[str]] = {}
        for i, kind in enumerate(self.kinds):
            pool = kind.pool if isinstance(kind.pool, tuple) else None
            pool = pool or (places if kind.pool == "plats" else POOLS[kind.pool])
            names = [
                (rank, kind.pattern.format(name) + suffix)
                for rank, suffix in enumerate(kind.suffixes)
                for name in pool
            ]
            rng.shuffle(names)
            names.sort(key=lambda item: item[0])  # "Hemtjänsten Bredäng" before "… natt"
            self.left[i] = [name for _, name in names]
        self.used: Counter = Counter()

    def next(self) -> tuple[UnitKind, str]:
        """The kind and name of the next enhet."""
        open_kinds = [i for i in self.left if self.left[i]]
        if open_kinds:
            weights = [self.kinds[i].weight for i in open_kinds]
            i = self.rng.choices(open_kinds, weights)[0]
            name = self.left[i].pop(0)
            self.used[name] += 1
            return self.kinds[i], name
        i = self.rng.choices(range(len(self.kinds)), [k.weight for k in self.kinds])[0]
        kind = self.kinds[i]
        base = kind.pattern.format(self.rng.choice(_pool_of(kind)))
        self.used[base] += 1
        while f"{base} {self.used[base]}" in self.used:
            self.used[base] += 1
        name = f"{base} {self.used[base]}"
        self.used[name] += 1
        return kind, name


def _pool_of(kind: UnitKind) -> Sequence[str]:
    if isinstance(kind.pool, tuple):
        return kind.pool
    return CITY_PLACES if kind.pool == "plats" else POOLS[kind.pool]


# ---------------------------------------------------------------------------------------------
# A later roster: moves, new last names, leavers, new hires, new chefs


def change_roster(
    data: bytes,
    share: float,
    seed: int,
    as_of: date | None = None,
    earlier: Sequence[bytes] = (),
    new_hires: float = 0.2,
) -> bytes:
    """The same roster with about `share` of its people changed (and new hires added).

    Of the changes, about a tenth are new chefs (the chef leaves, someone in the enhet takes
    over), `new_hires` are new hires, a fifth leave, a fifth get a new last name (and
    e-post) and the rest move to another enhet. `earlier` rosters' e-post addresses and
    numbers are never given to anyone new (people who left are still in the database).
    """
    rng = random.Random(seed)
    as_of = as_of or date.today()
    rows = read_rows(data)
    history = [row for old in earlier for row in read_rows(old)] + rows
    people = _People(rng, (r["email"] for r in history), (r["number"] for r in history))
    budget = round(share * len(rows))
    touched: set[str] = set()
    units = _units(rows)
    managers = {row["chef"] for row in rows if row["chef"]}
    staff = [row for row in rows if row["number"] not in managers]
    rng.shuffle(staff)
    staff_left = iter(staff)

    def pick() -> dict[str, str] | None:
        for row in staff_left:
            if row["number"] not in touched:
                touched.add(row["number"])
                return row
        return None

    # New chefs: the chef leaves, someone in the enhet takes over (about a tenth of the budget)
    enhet_units = [key for key, unit in units.items() if unit.chef and unit.chef_manages_only_unit]
    rng.shuffle(enhet_units)
    chef_budget = budget // 10
    removed: set[str] = set()
    for key in enhet_units:
        unit = units[key]
        if chef_budget < len(unit.members) or any(m in touched for m in unit.members):
            continue
        successor = rng.choice([m for m in unit.members if m != unit.chef])
        by_number = {row["number"]: row for row in rows if row["number"] in unit.members}
        by_number[successor]["chef"] = by_number[unit.chef]["chef"]
        for number, row in by_number.items():
            if number not in (successor, unit.chef):
                row["chef"] = successor
        removed.add(unit.chef)
        touched.update(unit.members)
        chef_budget -= len(unit.members)
        unit.chef = successor
    spent = budget // 10 - chef_budget
    rest = budget - spent
    leavers, hires, renamed = round(rest * 0.2), round(rest * new_hires), round(rest * 0.2)
    movers = rest - leavers - hires - renamed
    targets = [key for key, unit in units.items() if unit.chef and unit.staff]
    for _ in range(leavers):
        row = pick()
        if row:
            removed.add(row["number"])
    for _ in range(renamed):
        row = pick()
        if row:
            row["last"] = people.name()[1]
            row["email"] = people.email(row["first"], row["last"])
    for _ in range(movers):
        row = pick()
        if not row:
            break
        key = rng.choice(targets)
        if key == (row["adm"], row["avd"], row["unit"]):
            continue
        _place(row, key, units[key])
    kept = [row for row in rows if row["number"] not in removed]
    for _ in range(hires):
        key = rng.choice(targets)
        first, last = people.name()
        since = as_of - timedelta(days=rng.randint(0, 59))
        row = {"number": people.new_hire_number(), "first": first, "last": last,
               "email": people.email(first, last), "since": since.isoformat()}  # fmt: skip
        _place(row, key, units[key])
        kept.append(row)
    return write_rows(kept)


@dataclass
class _Unit:
    members: list[str]
    chef: str | None
    close: str
    chef_manages_only_unit: bool

    @property
    def staff(self) -> bool:
        return len(self.members) > 1


def _units(rows: list[dict[str, str]]) -> dict[tuple[str, str, str], _Unit]:
    """Every enhet: its members, its chef (the member the others report to), its usual flag."""
    members = defaultdict(list)
    for row in rows:
        members[(row["adm"], row["avd"], row["unit"])].append(row)
    reports = Counter(row["chef"] for row in rows if row["chef"])
    units = {}
    for key, people in members.items():
        numbers = {row["number"] for row in people}
        inside = Counter(row["chef"] for row in people if row["chef"] in numbers)
        chef = inside.most_common(1)[0][0] if inside else None
        flags = Counter(row["close"] for row in people)
        units[key] = _Unit(
            members=[row["number"] for row in people],
            chef=chef,
            close=flags.most_common(1)[0][0],
            chef_manages_only_unit=bool(chef) and reports[chef] == inside[chef],
        )
    return units


def _place(row: dict[str, str], key: tuple[str, str, str], unit: _Unit) -> None:
    row["adm"], row["avd"], row["unit"] = key
    row["chef"] = unit.chef or ""
    row["close"] = unit.close


# ---------------------------------------------------------------------------------------------
# Completions from the earlier platform

YEAR_WEIGHTS = {2019: 20, 2020: 15, 2021: 7, 2022: 7, 2023: 8, 2024: 13, 2025: 18, 2026: 12}
COURSE_VERSIONS = ((2024, "2024"), (2021, "2021"), (2019, "2019"))  # first year → Kursversion


def generate_completions(
    roster_data: bytes, seed: int, share_completed: float = 0.4, as_of: date | None = None
) -> bytes:
    """Completions (Anställningsnummer;Genomförd;Kursversion) for about a share of the roster.

    Dates fall between 2019 (or the person's Anställd från) and `as_of`, more of them in
    2019–2020 and recent years; some förvaltningar do better than others; about one in ten
    of those who completed early did the course again in recent years.
    """
    rng = random.Random(seed)
    as_of = as_of or date.today()
    rows = read_rows(roster_data)
    rate = {}
    for row in rows:
        if row["adm"] not in rate:
            rate[row["adm"]] = min(0.95, share_completed * rng.uniform(0.55, 1.45))
    completions = []
    for row in rows:
        if rng.random() >= rate[row["adm"]]:
            continue
        since = max(date(2019, 1, 1), date.fromisoformat(row["since"]))
        if since > as_of:
            continue
        day = _completion_day(rng, since, as_of)
        completions.append((row["number"], day))
        if day.year <= 2020 and as_of.year >= 2024 and rng.random() < 0.1:
            completions.append((row["number"], _completion_day(rng, date(2024, 1, 1), as_of)))
    completions.sort(key=lambda item: (item[1], int(item[0])))
    return _csv(
        COMPLETION_HEADERS,
        ([number, day.isoformat(), _course_version(day)] for number, day in completions),
    )


def _completion_day(rng: random.Random, since: date, as_of: date) -> date:
    """A day between since and as_of, years weighted by YEAR_WEIGHTS."""
    years = [y for y in range(since.year, as_of.year + 1)]
    year = rng.choices(years, [YEAR_WEIGHTS.get(y, 10) for y in years])[0]
    first = max(since, date(year, 1, 1))
    last = min(as_of, date(year, 12, 31))
    return first + timedelta(days=rng.randint(0, (last - first).days))


def _course_version(day: date) -> str:
    return next(label for year, label in COURSE_VERSIONS if day.year >= year)
