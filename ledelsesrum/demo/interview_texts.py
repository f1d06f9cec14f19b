"""Danish text material for the demo's synthetic interview summaries.

Written for Ledelsesrum (not taken from the seeds or the codebook's examples). Each fragment is
one statement, in the voice of an interviewer's written summary of what a leader said, for one
sub-theme of the built-in codebook. Fragments are combined by ``demo.interviews`` into one
paragraph per theme. Placeholders, filled per interview:

- ``{Han}``/``{han}``/``{hans}`` — the interviewed leader as "Hun/hun/hendes" or "Han/han/hans";
- ``{kollega}`` — a colleague's first name (pseudonymisation has work to do);
- ``{chef}`` — the full name of another leader of the demo organisation (in the register);
- ``{brugere}`` — the area's citizens ("børnene", "eleverne", "borgerne" …);
- ``{omr}`` — the area in lower case ("dagtilbud", "ældre og pleje" …).

This is demo data, not interface text: it is stored as note text, so it is not translated.
"""

from __future__ import annotations

# Share of interviewed leaders who voice the sub-theme: some are voiced by nearly everyone,
# some by a few, so the synthesis shows the whole range of quantifiers.
PREVALENCE: dict[str, float] = {
    "1a": 0.45, "1b": 0.7, "1c": 0.55, "1d": 0.8, "1e": 0.3, "1f": 0.35,
    "2a": 0.6, "2b": 0.4, "2c": 0.75, "2d": 0.65, "2e": 0.5,
    "3a": 0.35, "3b": 0.92,
    "4a": 0.45, "4b": 0.3, "4c": 0.25,
    "5a": 0.6, "5b": 0.12,
    "6a": 0.08,
}

GUIDE_TITLE = "Interviewguide: Vilkår for ledelse"
GUIDE_INTRO = (
    "Interviewene er semistrukturerede og tager udgangspunkt i få overordnede spørgsmål. "
    "Intervieweren skriver efterfølgende et resumé pr. tema med lederens udsagn, så det er "
    "lederens oplevelse og ikke interviewerens vurdering, der står i noterne."
)
# (question, linked theme ids)
GUIDE_QUESTIONS: list[tuple[str, list[str]]] = [
    ("Hvad giver dig energi og lyst til at være leder, og hvad tager energien?", ["1"]),
    ("Hvordan oplever du at lede kerneopgaven og dine medarbejdere i hverdagen?", ["2"]),
    ("Hvordan hænger din organisering, dit ledelsesspænd og din tid sammen?", ["3"]),
    ("Hvordan oplever du samarbejdet med de andre ledelseslag, på tværs og med politikerne?", ["4"]),
    ("Hvilken understøttelse får du fra stabe og i samarbejdet med de faglige repræsentanter?", ["5"]),
    ("Hvordan arbejder I sammen med borgere, pårørende, frivillige og lokale fællesskaber?", ["6"]),
]

USERS_BY_AREA: dict[str, str] = {
    "Dagtilbud": "børnene", "Skole": "eleverne", "Familie og Forebyggelse": "familierne",
    "Ældre og Pleje": "borgerne", "Handicap og Psykiatri": "beboerne", "Sundhed": "borgerne",
    "Beskæftigelse": "de ledige", "Vej og Park": "borgerne", "Byg og Miljø": "borgerne",
    "Kultur og Fritid": "brugerne", "Stab og Administration": "de decentrale ledere",
}

FRAGMENTS: dict[str, list[str]] = {
    "1a": [
        "{Han} oplever en ordentlig og venlig tone i kommunen, også når der er uenighed.",
        "Lederen fortæller, at tilliden mellem ledere og forvaltning er vokset de seneste år, og at man "
        "i dag tør sige fra uden at blive set skævt til.",
        "Der efterspørges mere åbenhed: beslutninger bliver ofte meldt ud uden forklaring, og det "
        "skaber mistro i medarbejdergruppen.",
        "{Han} beskriver tonen i mails fra forvaltningen som kort og kommanderende, især når der skal "
        "indberettes noget med kort frist.",
        '"Vi siger, at vi har tillid, men så kommer der et nyt kontrolskema," siger {han}.',
        "Lederen er stolt af kulturen i {omr}, hvor man hjælper hinanden på tværs af huse og ikke "
        "holder på sine ressourcer.",
        "{Han} mener, at værdierne hænger på væggen, men at de sjældent bliver talt om på ledermøderne.",
        "Der er ifølge lederen en kultur, hvor det er svært at indrømme fejl, og det gør det svært at "
        "lære af dem.",
    ],
    "1b": [
        "{Han} fremhæver, at {chef} altid er til at få fat på, også sent en fredag, når der brænder "
        "noget på.",
        "Lederen savner sparring fra sin nærmeste chef og fortæller, at de kun ses til de faste "
        "møder, hvor dagsordenen er fyldt med drift.",
        '"Når jeg står med en svær personalesag, ved jeg, at min chef bakker mig op," fortæller {han}.',
        "{Han} oplever, at chefen har så mange ledere under sig, at der ikke er tid til at tale om "
        "{hans} egen ledelse.",
        "Der efterspørges mere feedback: lederen ved ikke rigtig, om {han} gør det godt nok.",
        "{Han} har faste sparringsmøder med {chef} hver måned og beskriver dem som et frirum, hvor "
        "svære beslutninger kan vendes i ro.",
        "Lederen fortæller, at opbakningen fra chefen forsvinder, når en sag når pressen.",
        "{Han} har fået ny chef for et halvt år siden og oplever en mere lyttende og nysgerrig "
        "ledelse ovenfra.",
    ],
    "1c": [
        "{Han} beskriver ledernetværket i {omr} som det sted, hvor dilemmaerne kan deles med nogen, "
        "der kender hverdagen.",
        "Lederen savner et fællesskab med andre ledere og fortæller, at det kan være ensomt at sidde "
        "med beslutningerne alene.",
        "{Han} har en fast makker, {kollega}, fra en anden institution, og de ringer til hinanden, "
        "når noget er svært.",
        "Netværksmøderne er ifølge lederen blevet til orienteringsmøder, hvor der ikke er plads til "
        "erfaringsudveksling.",
        '"Jeg lærer mere af en time med de andre skoleledere end af et helt kursus," siger {han}.',
        "Der efterspørges netværk på tværs af forvaltningerne, så man kan lære af ledere med helt "
        "andre opgaver.",
        "{Han} fortæller, at den faste ledergruppe har skabt en tryghed, så man tør tale om det, der "
        "ikke lykkes.",
    ],
    "1d": [
        "{Han} oplever et stort råderum til at tilrettelægge arbejdet i sin enhed og beskriver det "
        "som frihed under ansvar.",
        "Lederen fortæller, at beslutningerne træffes centralt, og at {han} først bliver hørt, når "
        "alt er besluttet.",
        "Der kommer ifølge lederen flere og flere fælles retningslinjer, som gør det sværere at "
        "finde lokale løsninger for {brugere}.",
        '"Jeg vil gerne have lov til at prioritere selv, når budgettet alligevel er mit ansvar," '
        "siger {han}.",
        "{Han} mener, at tilliden til den lokale leder er stor, og at det giver lyst til at tage "
        "ansvar.",
        "Lederen savner indflydelse på de beslutninger, der rammer {omr}, fx nye arbejdsgange og "
        "it-systemer, der bliver indført uden dialog.",
        "{Han} fortæller, at råderummet i praksis er lille, fordi næsten hele budgettet er bundet "
        "af normeringer og faste aftaler.",
        "Lederen oplever, at {han} har reel indflydelse gennem områdets ledergruppe, hvor "
        "prioriteringerne bliver drøftet, før de besluttes.",
        "{Han} beskriver en styring med mange mål og nøgletal, som skal rapporteres, men som ingen "
        "bruger til at træffe beslutninger.",
    ],
    "1e": [
        "{Han} fortæller, at det betyder meget, når chefen lægger mærke til det, der lykkes.",
        "Lederen oplever sjældent at få anerkendelse og siger, at {omr} kun bliver nævnt, når noget "
        "er gået galt.",
        '"Det er medarbejderne, der siger tak – sjældent nogen ovenfra," siger {han}.',
        "{Han} føler sig værdsat som leder og ved, at arbejdet gør en forskel for {brugere}.",
        "Der efterspørges anerkendelse af ledelsesopgaven som et fag og ikke kun som et ekstra "
        "arbejde ved siden af det faglige.",
        "Lederen mener, at lønnen ikke står mål med ansvaret, og at det er svært at forklare "
        "yngre kolleger, hvorfor man skal blive leder.",
        "{Han} nævner, at direktionen for nylig besøgte {hans} arbejdsplads, og at det blev taget "
        "godt imod af både ledelse og medarbejdere.",
    ],
    "1f": [
        "{Han} er i gang med en diplomuddannelse i ledelse og oplever, at den giver sprog for "
        "hverdagens dilemmaer.",
        "Lederen savner tid til at tage efteruddannelse; kurserne er der, men vikarbudgettet er det "
        "ikke.",
        "{Han} fortæller, at kommunens lederudviklingsforløb har været et vendepunkt for {hans} "
        "forståelse af rollen.",
        "Der efterspørges en plan for nye lederes første år med mentor og introduktion til økonomi "
        "og personalejura.",
        '"Jeg blev leder fredag og stod med det hele mandag," siger {han} om sin start.',
        "Lederen ønsker sig coaching eller supervision, særligt i perioder med store forandringer.",
        "{Han} mener, at der er gode muligheder for at udvikle sig i kommunen, hvis man selv "
        "tager initiativet.",
    ],
    "2a": [
        "{Han} har været igennem tre omorganiseringer på fem år og oplever, at medarbejderne er "
        "trætte af forandringer.",
        "Lederen fortæller, at forandringerne ofte kommer oppefra uden tid til at implementere dem "
        "ordentligt.",
        "Der efterspørges mere ro: nye projekter bliver sat i gang, før de gamle er landet.",
        '"Vi er gode til at begynde noget nyt, men dårlige til at afslutte," siger {han}.',
        "{Han} beskriver sammenlægningen med nabohuset som hård, men oplever nu, at det nye "
        "fællesskab begynder at bære.",
        "Lederen savner inddragelse tidligt i forandringsprocesserne, så de lokale erfaringer kan "
        "bruges, inden planen er låst.",
        "{Han} fortæller, at det nye it-system i {omr} blev indført midt i ferieperioden, og at "
        "det gav kaos i flere uger.",
        "Lederen oplever, at forvaltningen har lært af tidligere forandringer og nu giver bedre tid "
        "og flere ressourcer til omstillingen.",
    ],
    "2b": [
        "{Han} bruger meget tid på faglig ledelse og fortæller, at det er der, {han} gør den største "
        "forskel for {brugere}.",
        "Lederen oplever, at den faglige ledelse bliver klemt af drift og administration.",
        "Der efterspørges faglige fyrtårne og vejledere, som kan løfte praksis, når lederen ikke "
        "selv kan være til stede.",
        '"Jeg vil gerne stå i pædagogikken, men jeg sidder mest i regneark," siger {han}.',
        "{Han} fortæller, at {kollega}, som er faglig koordinator, har overtaget en del af den "
        "daglige faglige sparring, og at det fungerer godt.",
        "Lederen mener, at den faglige kvalitet i {omr} er høj, fordi medarbejderne har tid til at "
        "reflektere over praksis på faste møder.",
        "{Han} savner en fælles faglig retning i området og oplever, at hver enhed opfinder sine "
        "egne metoder.",
    ],
    "2c": [
        "Lederen oplever, at dokumentationskravene tager tid fra kerneopgaven, og at meget af det "
        "dokumenterede aldrig bliver læst.",
        "{Han} fortæller, at tilsynet i foråret var lærerigt, fordi tilsynsførende gik i dialog om "
        "praksis i stedet for kun at tjekke skemaer.",
        "Der efterspørges færre indberetninger og en fælles vurdering af, hvad der faktisk skal "
        "dokumenteres.",
        '"Vi skriver det samme ned tre steder, fordi systemerne ikke taler sammen," siger {han}.',
        "{Han} beskriver frygten for kritik ved tilsyn som en drivkraft bag mere og mere "
        "dokumentation, som ingen har bedt om.",
        "Lederen mener, at dokumentationen er nødvendig for at sikre {brugere}s retssikkerhed, men "
        "at den skal være enklere.",
        "{Han} bruger selv flere timer om ugen på at rette journaler og indberetninger og oplever det "
        "som tid taget fra medarbejderne.",
        "Lederen fortæller, at den nye skabelon til handleplaner har gjort dokumentationen kortere "
        "og mere brugbar.",
    ],
    "2d": [
        "{Han} fortæller, at personaleledelsen fylder mest, især sygefravær og svære samtaler.",
        "Lederen oplever, at rekrutteringen er blevet markant sværere, og at {han} ofte står med "
        "ubesatte stillinger i flere måneder.",
        '"Jeg har haft tre langtidssygemeldte samtidig, og det fylder alt," siger {han}.',
        "{Han} beskriver en stærk medarbejdergruppe, hvor trivslen er høj, og hvor nye kolleger "
        "hurtigt bliver taget godt imod.",
        "Der efterspørges hjælp til at fastholde de erfarne medarbejdere, der søger væk til "
        "privat sektor eller nabokommunerne.",
        "Lederen fortæller, at {kollega} fra personaleafdelingen har været en stor hjælp i en svær "
        "afskedigelsessag.",
        "{Han} bruger bevidst tid på at gå rundt og tale med medarbejderne, fordi det forebygger "
        "konflikter.",
        "Lederen oplever, at mange medarbejdere på deltid gør det svært at skabe et fælles fagligt "
        "fællesskab.",
    ],
    "2e": [
        "Lederen oplever, at budgettet er stramt, og at der hvert år skal findes besparelser, der "
        "rammer {brugere}.",
        "{Han} fortæller, at {han} har god styr på økonomien takket være månedlige opfølgninger med "
        "en økonomikonsulent.",
        '"Jeg forstår ikke altid, hvordan tildelingsmodellen virker," siger {han}.',
        "Der efterspørges mulighed for at overføre overskud mellem årene, så man kan spare op til "
        "større indkøb.",
        "{Han} beskriver, at økonomien fylder mere end det faglige på områdets ledermøder.",
        "Lederen fortæller, at budgetterne bliver meldt sent ud, så planlægningen af det kommende år "
        "sker i blinde.",
        "{Han} mener, at den decentrale økonomi giver frihed til at prioritere, og at det motiverer.",
    ],
    "3a": [
        "{Han} har ansvar for tre matrikler og bruger meget tid i bilen mellem dem.",
        "Lederen oplever, at organiseringen med afdelingsledere giver et godt nærvær tæt på "
        "medarbejderne.",
        "Der efterspørges en klarere ansvarsfordeling mellem {hans} egen rolle og områdelederens.",
        '"Med over 50 medarbejdere kan jeg ikke kende dem alle ordentligt," siger {han}.',
        "{Han} fortæller, at den nye områdeorganisering har gjort vejene kortere, fordi flere "
        "beslutninger nu bliver truffet tæt på driften.",
        "Lederen mener, at ledelsesspændet er for stort, og foreslår en souschef eller en "
        "koordinerende medarbejder.",
        "{Han} beskriver organiseringen i {omr} som uoverskuelig med mange lag og uklare "
        "snitflader.",
    ],
    "3b": [
        "{Han} fortæller, at der er for lidt tid til ledelse, fordi driften og administrationen "
        "fylder hele kalenderen.",
        "Lederen oplever, at aftenerne bliver brugt på mails og indberetninger.",
        '"Jeg når ikke at lede – jeg når kun at reagere," siger {han}.',
        "Der efterspørges administrativ hjælp, så lederen kan bruge mere tid sammen med "
        "medarbejderne og {brugere}.",
        "{Han} har selv ryddet kalenderen for faste møder og har nu to formiddage om ugen til "
        "ledelse, og det mærkes.",
        "Lederen beskriver en arbejdsuge på over 45 timer og er bekymret for, om det kan holde i "
        "længden.",
        "{Han} fortæller, at mødeaktiviteten fra forvaltningen er vokset, og at mange møder kunne "
        "have været en mail.",
        "Lederen oplever, at tiden til ledelse forsvinder, når der mangler personale, fordi {han} "
        "selv må dække ind i driften.",
        "{Han} mener, at tiden er der, når den bliver prioriteret, men at det kræver en bevidst "
        "beslutning hver uge.",
    ],
    "4a": [
        "{Han} oplever et godt samarbejde med områdelederen, hvor der er kort vej fra idé til "
        "beslutning.",
        "Lederen fortæller, at informationen fra direktionen når frem sent og ofte i en form, der "
        "er svær at oversætte til medarbejderne.",
        "Der efterspørges et tættere samarbejde mellem ledelseslagene, så strategien giver mening "
        "helt ude i driften.",
        '"Jeg er bindeleddet, men jeg ved ikke altid, hvad jeg binder sammen," siger {han}.',
        "{Han} beskriver ledermøderne på tværs af niveauer som nyttige, fordi direktøren lytter og "
        "følger op.",
        "Lederen mener, at chefgruppen tager for lidt ansvar for de svære prioriteringer og sender "
        "dem videre nedad.",
        "{Han} fortæller, at {chef} har været god til at tage dialogen med direktionen, når "
        "{omr} har haft brug for det.",
    ],
    "4b": [
        "{Han} fortæller, at samarbejdet med skolen om de fælles børn er blevet bedre, efter at "
        "lederne begyndte at mødes fast.",
        "Lederen oplever, at det tværgående samarbejde strander på, at hver forvaltning har sit "
        "eget budget.",
        "Der efterspørges én indgang til de andre forvaltninger, når en borger har brug for hjælp "
        "fra flere sider.",
        '"Vi taler om helhed, men vi er organiseret i siloer," siger {han}.',
        "{Han} beskriver et godt samarbejde med jobcentret og sundhedsplejen om de udsatte familier.",
        "Lederen fortæller, at {han} sammen med {kollega} fra Teknik og Miljø har fået løst en "
        "gammel sag om udearealer på en uge.",
        "{Han} savner fælles mål på tværs af sektorer, fordi indsatserne ellers trækker i hver "
        "sin retning.",
    ],
    "4c": [
        "{Han} oplever, at politikerne interesserer sig for {omr}, og at udvalgsbesøget gav god "
        "forståelse for hverdagen.",
        "Lederen fortæller, at politiske beslutninger ofte kommer med kort varsel og uden "
        "mulighed for at give input.",
        "Der efterspørges mere direkte dialog med udvalget, så politikerne hører ledernes "
        "erfaringer og ikke kun sagerne i avisen.",
        '"Jeg har aldrig mødt et medlem af udvalget," siger {han}.',
        "{Han} beskriver samspillet med politikerne som godt, fordi forvaltningen forbereder "
        "sagerne grundigt.",
        "Lederen mener, at enkeltsager i pressen får politikerne til at stramme op på regler, som "
        "så rammer alle.",
    ],
    "5a": [
        "{Han} fremhæver HR som en god samarbejdspartner, der svarer hurtigt og kender reglerne.",
        "Lederen oplever, at stabene stiller krav til lederne i stedet for at understøtte dem.",
        '"Jeg bliver sendt rundt mellem tre afdelinger, før jeg får svar," siger {han}.',
        "Der efterspørges en fast kontaktperson i økonomi og HR, som kender {hans} område.",
        "{Han} fortæller, at it-supporten er svær at få fat på, og at medarbejderne står uden "
        "adgang i dagevis.",
        "Lederen beskriver samarbejdet med {kollega} i økonomiafdelingen som afgørende for, at "
        "budgetopfølgningen lykkes.",
        "{Han} oplever, at stabene har fået flere opgaver, men færre folk, og at servicen er "
        "blevet dårligere.",
        "Lederen mener, at kommunikationsafdelingen har været en stor hjælp i en sag med megen "
        "opmærksomhed udefra.",
    ],
    "5b": [
        "{Han} har et godt samarbejde med tillidsrepræsentanten og drøfter store beslutninger "
        "med hende, før de bliver meldt ud.",
        "Lederen oplever, at MED-udvalget fungerer som et reelt forum for dialog om arbejdsmiljø "
        "og prioriteringer.",
        "Der efterspørges mere viden om aftalerne, så lederen ikke skal slå alt op hos HR.",
        '"Fagforeningen kommer ind, når sagen allerede er kørt op," siger {han}.',
        "{Han} fortæller, at arbejdsmiljørepræsentanten har været med til at finde løsninger på "
        "et højt sygefravær.",
        "Lederen beskriver samarbejdet med den faglige organisation som formelt og tungt.",
    ],
    "6a": [
        "{Han} fortæller, at frivillige fra den lokale forening kommer to gange om ugen og gør en "
        "stor forskel for {brugere}.",
        "Lederen oplever, at det kræver tid at koordinere de frivillige, og at der ikke er afsat "
        "ressourcer til det.",
        "Der efterspørges en fælles frivilligkoordinator i kommunen.",
        '"Vores frivillige besøgsvenner er uvurderlige," siger {han}.',
        "{Han} er usikker på, hvor grænsen går mellem de frivilliges og medarbejdernes opgaver.",
        "Lederen beskriver et nyt samarbejde med idrætsforeningen og menighedsrådet, hvor "
        "{brugere} bliver en del af fællesskabet i lokalsamfundet.",
    ],
}

# Openings of a theme paragraph, used now and then so the summaries vary in voice.
PARAGRAPH_OPENINGS: list[str] = [
    "", "", "", "", "Adspurgt om temaet svarer lederen uddybende. ",
    "Lederen taler længe om dette tema. ", "Kort om dette tema: ",
]
