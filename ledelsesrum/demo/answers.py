"""Synthetic questionnaire answers from a latent-factor model.

Each respondent has a general well-being factor ``g`` (how good their conditions feel overall).
Each scale adds a respondent-specific factor (someone can have plenty of room to act and still no
time), an area effect (ældre og pleje is pressed for time, the staff functions are not) and a
level effect; each item adds its own difficulty and noise. The latent value is cut into the five
answer categories. Because items of a scale share ``g`` and the scale factor, scales correlate,
areas differ and Cronbach's α lands in the realistic 0.7–0.9 range.

Answer encoding is the product's (see ``surveys.models.Response``): 1 = "I meget høj grad" (the
most positive wording), 5 = "Slet ikke", 0 = "Ved ikke / ikke relevant"; a skipped item is
absent. Reverse-worded items are answered on their wording, so they are flipped here.

Pure: works on any question-like objects (attributes ``code``, ``kind``, ``scale_code``,
``reverse_scored``, ``allow_dont_know``, ``options``, ``text``), no database.
"""

from __future__ import annotations

import random
import unicodedata
import zlib
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np

from ..lib.segments import seniority_band, span_band


class QuestionLike(Protocol):
    code: str
    kind: str
    scale_code: str
    reverse_scored: bool
    allow_dont_know: bool
    options: list
    text: str


@dataclass(frozen=True)
class Profile:
    """What the generator knows about a respondent (their frozen invitation attributes)."""

    area: str
    level: str
    years_as_leader: int | None = None
    span_of_control: int | None = None
    education: str = ""


# General area effect on well-being (latent units; the latent spread per respondent is about 1).
AREA_EFFECT = {
    "Dagtilbud": 0.05, "Skole": -0.15, "Familie og Forebyggelse": -0.25, "Ældre og Pleje": -0.35,
    "Handicap og Psykiatri": -0.1, "Sundhed": 0.15, "Beskæftigelse": -0.05, "Vej og Park": 0.25,
    "Byg og Miljø": 0.2, "Kultur og Fritid": 0.35, "Stab og Administration": 0.3,
}
# Area effects on particular themes, keyed by a fragment of the scale code of the item bank
# (TID, TRIVSEL, DOKUMENTATION, …); unknown scale codes simply get no theme effect.
AREA_THEME_EFFECT: dict[str, dict[str, float]] = {
    "Ældre og Pleje": {"TID": -0.6, "TRIV": -0.5, "DOKUMENT": -0.4},
    "Skole": {"DOKUMENT": -0.3, "TID": -0.3, "POLITIK": -0.2},
    "Familie og Forebyggelse": {"TRIV": -0.5, "DOKUMENT": -0.5},
    "Dagtilbud": {"NETV": 0.3, "ANERK": -0.3},
    "Stab og Administration": {"TVAER": -0.3, "TID": 0.3, "FRIVIL": -0.6},
    "Handicap og Psykiatri": {"STAB": -0.3, "KRAENK": -0.5},
    "Kultur og Fritid": {"FRIVIL": 0.6},
}
# Theme effects for everyone: offensive behaviour is, thankfully, rare ("Aldrig" is positive).
THEME_EFFECT = {"KRAENK": 1.3, "FRIVIL": -0.3}
LEVEL_EFFECT = {"Områdeleder": 0.2, "Leder": 0.0, "Afdelingsleder": -0.1}

# Cut points on the latent scale for answers 1..4 (above the first is "I meget høj grad").
CUTS = (0.95, 0.0, -0.85, -1.65)
G_WEIGHT = 0.55
SCALE_WEIGHT = 0.45
NOISE_SD = 0.55
DONT_KNOW_RATE = 0.02
SKIP_RATE = 0.025
OPEN_ANSWER_RATE = 0.65


def _stable_hash(text: str) -> int:
    return zlib.crc32(text.encode("utf-8"))


def _fold(text: str) -> str:
    return unicodedata.normalize("NFC", text).lower()


def _theme_shift(area: str, scale_code: str) -> float:
    code = scale_code.upper()
    shift = sum(v for fragment, v in AREA_THEME_EFFECT.get(area, {}).items() if fragment in code)
    shift += sum(v for fragment, v in THEME_EFFECT.items() if fragment in code)
    return shift


def _likert(latent: float) -> int:
    for value, cut in enumerate(CUTS, start=1):
        if latent > cut:
            return value
    return 5


def _option_keys(options: list) -> list[tuple[str, str]]:
    """(key, label) for each option, whatever shape the options are stored in."""
    out = []
    for opt in options or []:
        if isinstance(opt, dict):
            key = opt.get("key", opt.get("value", opt.get("label")))
            out.append((str(key), str(opt.get("label", key))))
        elif isinstance(opt, (list, tuple)) and len(opt) == 2:
            out.append((str(opt[0]), str(opt[1])))
        else:
            out.append((str(opt), str(opt)))
    return out


_EDUCATION_WORDS = {
    "master": ["master", "mpa", "mpg"], "diplom": ["diplom"], "kurser": ["kursus", "kurser"],
    "ingen": ["ingen"], "anden": ["anden", "andet"],
}


def _choose_fact(question: QuestionLike, profile: Profile, rng: random.Random) -> Any:
    options = _option_keys(question.options)
    if not options:
        return None
    # Prefer an option that matches what we know of the leader (a band label, area, education).
    wanted = [
        profile.education, seniority_band(profile.years_as_leader), span_band(profile.span_of_control),
        profile.area, profile.level,
    ]
    for key, label in options:
        for w in wanted:
            if w and (_fold(w) == _fold(label) or _fold(w) == _fold(key)):
                return key
    text = _fold(question.text)
    if "uddannelse" in text and profile.education:
        for key, label in options:
            if any(word in _fold(f"{key} {label}") for word in _EDUCATION_WORDS.get(profile.education, [])):
                return key
    if any(word in text for word in ("år", "erfaring", "ansat", "medarbejdere", "ledelsesspænd")):
        # Numeric-band option labels like "3-5 år" / "11-25": pick the one containing our number.
        number = profile.years_as_leader if ("år" in text or "erfaring" in text) else profile.span_of_control
        if number is not None:
            for key, label in options:
                if _label_contains(label, number):
                    return key
    return rng.choice(options)[0]


def _label_contains(label: str, number: int) -> bool:
    digits = [int(tok) for tok in _tokens(label) if tok.isdigit()]
    low = _fold(label)
    if len(digits) >= 2:
        return digits[0] <= number <= digits[1]
    if len(digits) == 1:
        if "over" in low or "mere end" in low or "+" in low:
            return number > digits[0]
        if "under" in low or "mindre end" in low:
            return number < digits[0]
        return number == digits[0]
    return False


def _tokens(text: str) -> list[str]:
    out, cur = [], ""
    for ch in text:
        if ch.isdigit():
            cur += ch
        else:
            if cur:
                out.append(cur)
            cur = ""
            out.append(ch)
    if cur:
        out.append(cur)
    return out


def _number_fact(question: QuestionLike, profile: Profile, rng: random.Random) -> int:
    text = _fold(question.text)
    if ("medarbejdere" in text or "spænd" in text) and profile.span_of_control is not None:
        return profile.span_of_control
    if ("år" in text or "erfaring" in text) and profile.years_as_leader is not None:
        return profile.years_as_leader
    return rng.randint(0, 20)


class AnswerModel:
    """Draws one respondent's answers at a time; deterministic for a seed and an order of calls."""

    def __init__(self, questions: list[QuestionLike], seed: int, *,
                 scale_shift: dict[str, float] | None = None, draw_seed: int | None = None) -> None:
        """``scale_shift``: latent shift per scale code (a later round where things moved);
        ``draw_seed``: seed of the respondents' draws (default ``seed``), while the items'
        difficulty stays tied to ``seed`` so that two rounds ask equally hard questions."""
        self.questions = list(questions)
        self.rng = random.Random(seed if draw_seed is None else draw_seed)
        self.np = np.random.default_rng(seed if draw_seed is None else draw_seed)
        self.scale_shift = dict(scale_shift or {})
        self.scales = sorted({q.scale_code for q in self.questions if q.kind == "scale" and q.scale_code})
        # Item difficulty: some statements are easier to agree with than others.
        self.item_offset = {
            q.code: float(np.random.default_rng(_stable_hash(q.code) + seed).normal(0, 0.25))
            for q in self.questions if q.kind == "scale"
        }
        open_questions = [q for q in self.questions if q.kind == "open"]
        self.open_pools = {q.code: _pool_for(q, i) for i, q in enumerate(open_questions)}

    def answer(self, profile: Profile) -> tuple[dict[str, Any], dict[str, str]]:
        """``(answers, open_answers)`` for one respondent."""
        rng = self.rng
        g = float(self.np.normal(0, 1)) + AREA_EFFECT.get(profile.area, 0.0) + LEVEL_EFFECT.get(profile.level, 0.0)
        scale_factor = {s: float(self.np.normal(0, 1)) for s in self.scales}
        answers: dict[str, Any] = {}
        open_answers: dict[str, str] = {}
        for q in self.questions:
            if q.kind == "scale":
                if rng.random() < SKIP_RATE:
                    continue
                if q.allow_dont_know and rng.random() < DONT_KNOW_RATE:
                    answers[q.code] = 0
                    continue
                key = q.scale_code or q.code
                latent = (
                    G_WEIGHT * g + SCALE_WEIGHT * scale_factor.get(key, 0.0)
                    + _theme_shift(profile.area, key) + self.scale_shift.get(key, 0.0)
                    + self.item_offset[q.code] + float(self.np.normal(0, NOISE_SD))
                )
                value = _likert(latent)
                answers[q.code] = 6 - value if q.reverse_scored else value
            elif q.kind == "choice":
                value = _choose_fact(q, profile, rng)
                if value is not None:
                    answers[q.code] = value
            elif q.kind == "number":
                answers[q.code] = _number_fact(q, profile, rng)
            elif q.kind == "open":
                if rng.random() < OPEN_ANSWER_RATE:
                    open_answers[q.code] = compose_open_answer(self.open_pools[q.code], profile, rng)
        return answers, open_answers


# --- open answers --------------------------------------------------------------------------------
# Two pools of sentences written for the demo, one per open question of the bank: "what occupies
# you most as a leader" and "ideas for better conditions for leadership". An answer combines one to
# three sentences; {omr} and {bruger} are filled in from the respondent's area.

OCCUPIES = [
    "Det fylder meget at få vagtplanen til at gå op, når vi mangler hænder.",
    "Rekruttering af fagligt dygtige medarbejdere er det, jeg bruger mest energi på.",
    "Sygefravær og det daglige puslespil med vikarer.",
    "At skabe ro om kerneopgaven, når der hele tiden kommer nye krav udefra.",
    "Økonomien. Vi skal levere det samme med færre midler, og det slider.",
    "Jeg bruger meget tid på dokumentation, som jeg ikke altid kan se meningen med.",
    "Den faglige udvikling af personalet – og at finde tid til den.",
    "Samarbejdet med forældre og pårørende fylder mere end for få år siden.",
    "Mails og møder. Jeg når sjældent at være ude hos medarbejderne.",
    "Omstillingen til nye it-systemer, der ikke spiller sammen.",
    "At holde fast i en god arbejdskultur midt i store forandringer.",
    "At lede ledere er nyt for mig, og jeg savner sparring på den rolle.",
    "Borgere med meget komplekse behov, hvor vi står alene med opgaven.",
    "Arbejdsmiljøet. Flere af mine medarbejdere er tæt på at gå ned med stress.",
    "At få {omr} til at hænge sammen med det, der besluttes centralt.",
    "Jeg oplever et stort pres fra mange sider på samme tid.",
    "Fastholdelse af erfarne medarbejdere, som søger væk til bedre vilkår.",
    "Kvaliteten i indsatsen over for {bruger} – det er derfor, jeg er her.",
    "Tilsyn og kontrol tager tid fra den pædagogiske ledelse.",
    "At skabe mening for medarbejderne i beslutninger, jeg ikke selv har været med til at træffe.",
    "Det tværgående samarbejde med andre forvaltninger er tungt og langsomt.",
    "Lokaler og bygninger, der ikke passer til den opgave, vi skal løse i dag.",
    "Balancen mellem drift og udvikling. Driften vinder næsten altid.",
    "Personalesager tager uforholdsmæssigt meget af min tid.",
    "Vi har fået flere opgaver uden at få flere ressourcer med.",
    "Jeg er optaget af, hvordan vi bruger de unge medarbejderes idéer.",
    "Min egen trivsel. Jeg arbejder for mange timer om ugen.",
    "At være synlig leder på flere matrikler på én gang.",
    "Den politiske bevågenhed på {omr} er stor lige nu.",
    "At få budgettet til at balancere uden at det går ud over {bruger}.",
    "Inklusion og de børn, der har brug for mere, end vi kan give.",
    "Samarbejdet med MED-udvalget og tillidsrepræsentanterne.",
    "Kompetenceudvikling – både for medarbejderne og for mig selv.",
    "Det er svært at planlægge, når rammerne ændres midt i året.",
    "Jeg bruger meget tid på at oversætte strategier til hverdag.",
    "Ensomhed i lederrollen. Der er langt til kollegerne.",
    "Digitalisering og om teknologien faktisk hjælper os.",
    "At skabe et godt samarbejde mellem faggrupperne i huset.",
    "Ventelister og forventninger, vi ikke kan indfri.",
    "Egentlig mest det gode: at se medarbejderne vokse med opgaverne.",
]

IDEAS = [
    "Færre, men bedre møder – og en fast dag uden møder.",
    "Mere administrativ hjælp, så jeg kan bruge tiden på ledelse.",
    "Et forpligtende ledernetværk på tværs af områderne.",
    "Faste sparringssamtaler med min chef, også når det går godt.",
    "Klarere rammer for, hvad jeg selv må beslutte.",
    "Enklere dokumentationskrav – vi registrerer det samme flere steder.",
    "Adgang til en mentor eller coach i de første år som leder.",
    "At stabene kommer ud til os i stedet for at sende skemaer.",
    "Et budget, der holder hele året, så vi kan planlægge.",
    "Mulighed for lederuddannelse i arbejdstiden.",
    "Anerkendelse fra direktionen af det arbejde, der faktisk bliver gjort.",
    "Større indflydelse på beslutninger, der vedrører {omr}.",
    "Flere hænder i hverdagen – det ville løse meget.",
    "Fælles it-løsninger, der virker, og hjælp når de ikke gør.",
    "Tid til at være til stede hos medarbejderne og {bruger}.",
    "En stedfortræder, så jeg kan holde fri uden at være på.",
    "Mindre ledelsesspænd, så man kan nå at kende sine folk.",
    "Supervision for ledere, som medarbejderne har det.",
    "Bedre overgange mellem forvaltningerne, når en borger skal videre.",
    "At man spørger lederne, før nye tiltag rulles ud.",
    "Ro på organiseringen i nogle år.",
    "Tydeligere prioriteringer oppefra: hvad skal vi lade være med?",
    "Et fælles sprog om kerneopgaven på tværs af huset.",
    "HR-hjælp tæt på, når der er svære personalesager.",
    "Netværksmøder med ledere fra andre kommuner.",
    "Mere tillid og mindre kontrol.",
    "At lederne får lov til at dele gode erfaringer med hinanden.",
    "Hjælp til rekruttering, fx fælles stillingsopslag og jobmesser.",
    "En plan for ledernes egen trivsel, ikke kun medarbejdernes.",
    "Fleksible rammer for, hvordan vi bruger budgettet.",
    "Kortere beslutningsveje.",
    "Fokus på de små, nære ting: et kontor, hvor man kan tale i fred.",
    "Introduktionsforløb for nye ledere, der er mere end en mappe.",
    "Fælles temadage for ledere med tid til refleksion.",
    "At økonomi og faglighed tænkes sammen fra start.",
    "Et stærkere samarbejde med de faglige organisationer.",
    "Lad os afprøve ting i det små, før de indføres overalt.",
    "Sparring fra kolleger i samme situation – gerne i makkerpar.",
    "Bedre data om {omr}, som vi selv kan bruge.",
    "Jeg har egentlig gode vilkår; det vigtigste er at bevare dem.",
]

_LEAD_INS = ["", "", "", "Helt ærligt: ", "For mig: ", "Kort sagt: ", "Især: ", "Lige nu: "]

_USERS_BY_AREA = {
    "Dagtilbud": "børnene", "Skole": "eleverne", "Familie og Forebyggelse": "familierne",
    "Ældre og Pleje": "borgerne", "Handicap og Psykiatri": "beboerne", "Sundhed": "borgerne",
    "Beskæftigelse": "de ledige", "Stab og Administration": "de decentrale ledere",
}


def _pool_for(question: QuestionLike, index: int) -> list[str]:
    text = _fold(question.text)
    if any(w in text for w in ("idé", "ide", "forslag", "bedre", "forbedr")):
        return IDEAS
    if any(w in text for w in ("optager", "fylder", "bruger")):
        return OCCUPIES
    return OCCUPIES if index == 0 else IDEAS


def compose_open_answer(pool: list[str], profile: Profile, rng: random.Random) -> str:
    count = rng.choices([1, 2, 3], weights=[0.5, 0.35, 0.15])[0]
    parts = rng.sample(pool, count)
    text = rng.choice(_LEAD_INS) + " ".join(parts)
    area = profile.area or "området"
    text = text.replace("{omr}", area.lower() if area else "området")
    text = text.replace("{bruger}", _USERS_BY_AREA.get(profile.area, "borgerne"))
    if text and text[0].islower():
        text = text[0].upper() + text[1:]
    return text


def cronbach_alpha(matrix: np.ndarray) -> float:
    """α of a complete respondents × items matrix (used by the tests to check the model)."""
    k = matrix.shape[1]
    item_var = matrix.var(axis=0, ddof=1).sum()
    total_var = matrix.sum(axis=1).var(ddof=1)
    return float(k / (k - 1) * (1 - item_var / total_var))
