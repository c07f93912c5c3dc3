"""Lexicons: the words that mark attributions, and the words that tell speakers apart.

Hand-written lists; the learned scorer (tracker/extract/model.py, trained by benchmarks/train.py)
adds the cue lemmas annotators used and decides how likely each candidate is an attribution.
"""

from __future__ import annotations

# Verbs of saying, writing and showing: a clausal complement or a quotation is what was said.
SPEECH_VERBS = frozenset("""
say tell add claim deny argue insist state announce report write explain note warn suggest
assert allege acknowledge admit agree confirm contend declare describe indicate maintain mention
predict promise propose recall remark reply respond reveal stress tweet post vow testify
caution concede conclude counter hint joke lament observe pledge quip boast charge complain
emphasize emphasise reiterate repeat continue ask wonder question answer inform assure
advise announce proclaim recount relate comment speculate estimate figure guess posit point
rule disclose divulge signal signify imply underline underscore highlight acknowledge affirm
reaffirm aver opine retort snap shout scream yell cry whisper mutter plead demand urge
recommend order instruct tout brag concur dispute contest reject refute dismiss rebut
""".split())

# Verbs of thinking, believing, wanting and intending: PolNeAR counts these as attributions.
MENTAL_VERBS = frozenset("""
believe think feel know expect hope fear worry want wish plan intend decide consider
doubt suspect assume suppose reckon imagine understand realize realise recognize recognise
prefer seek aim hope envision envisage trust bet
""".split())

# Verbs whose direct object (not a clause) is what was said: "denied the accusations".
OBJECT_CONTENT_VERBS = frozenset("""
deny claim announce criticize criticise praise endorse support reject dismiss defend blame
accuse condemn welcome applaud oppose dispute predict promise propose demand vow pledge
recommend acknowledge admit confirm reveal disclose question describe call want seek urge
slam blast attack tout back mention cite
""".split())

# Verbs taking "to"-infinitive content: "wants to leave", "urged Congress to act".
XCOMP_CONTENT_VERBS = frozenset("""
want plan intend hope expect promise vow pledge threaten decide refuse agree urge ask
call encourage order tell wish seek aim vote demand warn advise beg invite
""".split())

# Verbs of saying with "to"-infinitive content: "claims to represent". Apart from the list above:
# the learned model reads that list as a feature, and these would change what it scores.
XCOMP_CLAIM_VERBS = frozenset(("claim", "profess", "pretend"))

# "X, said Y" verbs that may come after their content, subject inverted.
INVERTED_VERBS = frozenset("say add tell report write note explain continue ask reply respond "
                           "insist argue warn read state declare conclude recall tweet post "
                           "observe quip joke acknowledge admit confirm claim".split())

# Reporting nouns that take a "that"-clause: "his claim that ...", "the statement that ...".
REPORTING_NOUNS = frozenset("""
claim statement assertion belief view argument allegation accusation expectation promise
warning suggestion insistence hope fear comment remark assurance notion contention conviction
pledge prediction threat vow charge denial admission acknowledgment acknowledgement
announcement complaint concern conclusion estimate finding impression opinion position
proposal report rumor rumour speculation suspicion testimony theory thought worry desire
demand call message note plea recommendation reminder request sense idea argument
""".split())

# "expressed his expectation that": light verbs that turn a reporting noun into a cue.
LIGHT_VERBS = frozenset("express voice make give issue offer raise repeat reiterate share "
                        "convey air lodge level".split())

# Heads of a subject that name a document or intermediary rather than the speaker itself.
SOURCE_NOUNS = {
    "readout": "readout", "statement": "statement", "spokesperson": "spokesperson",
    "spokesman": "spokesperson", "spokeswoman": "spokesperson", "spokespeople": "spokesperson",
    "report": "report", "transcript": "transcript", "interview": "interview", "tweet": "tweet",
    "post": "post", "filing": "court filing", "memo": "memo", "letter": "letter",
    "release": "press release", "communique": "communique", "communiqué": "communique",
    "document": "document", "email": "email", "e-mail": "email", "note": "note",
    "speech": "speech", "briefing": "briefing", "announcement": "announcement",
    "declaration": "declaration", "study": "study", "survey": "survey", "poll": "poll",
    "analysis": "analysis", "video": "video", "ad": "ad", "advertisement": "ad",
    "website": "website", "op-ed": "op-ed", "editorial": "editorial", "book": "book",
    "column": "column", "blog": "blog", "lawsuit": "lawsuit", "complaint": "complaint",
    "indictment": "indictment", "ruling": "ruling", "order": "order", "resolution": "resolution",
    "message": "message", "remarks": "remarks", "testimony": "testimony", "record": "record",
    "records": "records", "data": "data", "figures": "figures", "aide": "aide", "aides": "aide",
    "adviser": "adviser", "advisor": "adviser", "representative": "representative",
}

# Sources that are documents (speaker kind "document") rather than people speaking for someone.
DOCUMENT_SOURCES = frozenset(v for v in SOURCE_NOUNS.values()
                             if v not in ("spokesperson", "aide", "adviser", "representative"))

# News outlets and wire services, one a line: the canonical name, then the other ways news writes
# it. A speaker that is one of these is also the channel.
OUTLETS = """
The Associated Press|AP|Associated Press|AP News|the AP
Reuters
Agence France-Presse|AFP
CNN
BBC|BBC News
The Guardian|Guardian
The New York Times|New York Times|NYT
The Washington Post|Washington Post
The Wall Street Journal|Wall Street Journal|WSJ
Bloomberg|Bloomberg News
Politico
Fox News|Fox|Fox News Channel
NBC News|NBC
CBS News|CBS
ABC News|ABC
MSNBC
NPR
PBS
CNBC
USA Today|USA TODAY
Al Jazeera
Xinhua
TASS
RIA Novosti
Interfax
Kyodo
Yonhap
Axios
The Hill
BuzzFeed News|BuzzFeed
HuffPost|Huffington Post|The Huffington Post
Breitbart News|Breitbart
The Atlantic
The Economist
Financial Times|FT
The Independent
The Telegraph
Daily Mail
Los Angeles Times|LA Times|L.A. Times
Chicago Tribune
The Boston Globe|Boston Globe
Newsweek
Time
Vox
Slate
Salon
The Daily Beast|Daily Beast
Der Spiegel
Le Monde
El País
Haaretz
The Hindu
Hindustan Times
Times of India
NDTV
Dawn
South China Morning Post|SCMP
Global Times
People's Daily
Sky News
ITV
Channel 4
RT
Sputnik
The Western Journal|Western Journal
New York Daily News|Daily News
New York Post
The New Yorker
Mother Jones
National Review
The Intercept
ProPublica
Washington Examiner
The Washington Times|Washington Times
Roll Call
The Daily Caller|Daily Caller
Drudge Report
Press Trust of India|PTI
ANI
IANS
dpa
EFE
ANSA
Anadolu
"""
# lower-cased name as written -> canonical name
OUTLET_NAMES = {v.strip().lower(): line.split("|")[0] for line in OUTLETS.strip().splitlines()
                for v in line.split("|")}
# The last word of several outlets' names, written alone ("the Post", "the Times"): the outlet of
# that name the article named before, else the one US news most often means.
SHORT_OUTLETS = {"times": "The New York Times", "post": "The Washington Post", "journal": "The Wall Street Journal",
                 "globe": "The Boston Globe"}
# The last word of a newspaper's name ("the Miami Herald", "the Des Moines Register"): a name of
# capitalized words ending in one is an outlet, listed or not, kept whole; alone ("the Herald") it
# is the outlet of that name the article named.
PAPER_WORDS = frozenset(SHORT_OUTLETS) | frozenset("""herald tribune gazette chronicle register inquirer
courier dispatch examiner observer bulletin telegraph star-tribune star-ledger free-press""".split())
MEDIA = frozenset(OUTLET_NAMES) | frozenset(SHORT_OUTLETS) | frozenset("the " + k for k in SHORT_OUTLETS)
OUTLET_CANONICAL = frozenset(OUTLET_NAMES.values())

MEDIA_HEADS = frozenset("newspaper paper outlet network broadcaster magazine agency channel "
                        "daily tabloid station website site publication".split())
# "the newspaper", "the paper": the outlet the article named (tracker.extract.speakers.outlet)
NEWS_HEADS = frozenset("newspaper paper broadcaster magazine daily tabloid publication".split())

# Nouns that denote a person (a speaker kind "person" without a name).
PERSON_NOUNS = frozenset("""
minister president chief head leader secretary-general secretary spokesperson spokesman
spokeswoman official mayor governor senator congressman congresswoman representative
chairman chairwoman chair director ambassador envoy diplomat premier chancellor king queen
prince princess prime general commander officer lawyer attorney judge justice prosecutor
candidate nominee adviser advisor aide analyst expert economist professor researcher scientist
doctor author writer columnist reporter journalist editor founder ceo executive manager
activist lawmaker legislator politician strategist pollster voter resident witness woman man
person source father mother son daughter wife husband sister brother friend teacher student
commissioner administrator coordinator negotiator inspector superintendent sheriff
chairperson deputy undersecretary pope bishop cardinal rabbi imam pastor priest coach player
""".split())

GROUP_NOUNS = frozenset("""
officials critics experts analysts lawmakers leaders supporters opponents residents voters
people activists protesters demonstrators scientists researchers sources observers democrats
republicans members authorities diplomats investigators prosecutors economists americans
campaigners groups advocates conservatives liberals
""".split())

GOVERNMENT_WORDS = frozenset("government administration ministry department kremlin "
                             "white house pentagon state department cabinet parliament congress "
                             "senate house police army military".split())

# Leader titles: "the UN chief" is the leader of the UN, whoever the article names so.
LEADER_TITLES = frozenset("chief head leader secretary-general president chairman chairwoman "
                          "chair director ceo boss premier chancellor commissioner".split())

# Common short forms a speaker goes by, and capitals used for their governments.
ALIASES = {
    "UN": "United Nations", "U.N.": "United Nations", "US": "United States",
    "U.S.": "United States", "USA": "United States", "UK": "United Kingdom",
    "U.K.": "United Kingdom", "EU": "European Union", "E.U.": "European Union",
    "WHO": "World Health Organization", "NATO": "NATO", "IMF": "International Monetary Fund",
    "Beijing": "China", "Moscow": "Russia", "Kremlin": "Russia", "the Kremlin": "Russia",
    "Washington": "United States", "Tehran": "Iran", "Pyongyang": "North Korea",
    "Seoul": "South Korea", "Tokyo": "Japan", "Kyiv": "Ukraine", "Kiev": "Ukraine",
    "New Delhi": "India", "Delhi": "India", "Islamabad": "Pakistan", "Ankara": "Turkey",
    "Jerusalem": "Israel", "Damascus": "Syria", "Riyadh": "Saudi Arabia", "Kabul": "Afghanistan",
    "Berlin": "Germany", "Paris": "France", "London": "United Kingdom", "Canberra": "Australia",
    "Ottawa": "Canada", "Brussels": "European Union", "Taipei": "Taiwan", "Cairo": "Egypt",
}

PRONOUNS_PERSON = frozenset("he she him her his hers i me we us".split())
PRONOUNS_OTHER = frozenset("it they them its their this that these those who which".split())

# Verbs under which a cue is negated in effect: "declined to say", "refused to comment".
NEGATING_HEADS = frozenset("decline refuse fail neglect".split())
NEGATION_WORDS = frozenset("not n't never no nor".split())

# Pronouns that head a clause without speaking: "it said" is a document's, "which said" a noun's.
NOT_SUBJECTS = frozenset({"it", "there", "this", "that", "which", "what"})

# Cue words that are never a speaker name (a guard against "Also Read" and headlines; page
# furniture such as "Article Continued Below" is a boilerplate line, tracker.extract.clean).
NOT_SPEAKERS = frozenset("read also said says watch related more".split())

# Pronouns that inside a quotation speak for its speaker ("'I think we will win,' Smith said").
QUOTED_PRONOUNS = frozenset("i me my mine we us our ours you your yours".split())

# Verbs whose subject belongs to the content, not to a speaker ("X appears to ...", "X seems ...").
RAISING_VERBS = frozenset({"appear", "seem"})

# Verbs whose direct object is the person addressed, not what was said ("told the crowd: ...").
ADDRESSEE_VERBS = frozenset({"tell", "ask", "assure", "remind", "warn", "urge", "inform", "promise"})

# Nouns that introduce what somebody says or thinks after "is": "The idea is that ...".
COPULA_NOUNS = frozenset("idea point message slogan argument question concern hope plan goal "
                         "thinking theory view answer line pitch case bet problem worry".split())

# Adverbs that mark their clause as reported by someone unnamed: "is reportedly weighing".
HEARSAY_ADVERBS = frozenset(("reportedly", "allegedly", "purportedly"))

# "in her view": nouns whose possessor's view the clause is.
VIEW_NOUNS = frozenset(("view", "opinion", "estimation", "judgment", "judgement"))

# A bare answer that is what was said: "46 percent said yes", "a quarter said the same".
ANSWERS = frozenset(("yes", "no", "so", "same"))

# What a clause can come from when it opens or ends with "in ...": "In a new poll, ...".
SOURCE_DOCUMENTS = frozenset("poll survey interview statement report study speech letter memo analysis "
                             "tweet post op-ed editorial filing ruling opinion email emails book column "
                             "debate remarks testimony transcript voters".split())

# What kind of attribution a cue makes (Statement.cue_type); a cue in none of these is speech.
# Looked up by the cue's head lemma ("call for" -> call); an adjective frame ("confident that",
# "critical of") and "X seems/appears to" are beliefs whatever the word.
BELIEF_CUES = frozenset("""
believe think feel know expect fear worry doubt suspect assume suppose reckon imagine understand
realize realise recognize recognise consider trust bet see seem appear sense perceive presume
regard deem view remember forget learn hear notice support oppose favor favour back like dislike
love hate respect admire distrust accept
belief expectation fear concern conviction impression opinion suspicion thought theory sense idea
worry notion understanding assumption perception feeling doubt confidence attitude support
opposition skepticism scepticism optimism pessimism thinking problem bet
""".split())
INTENTION_CUES = frozenset("""
want plan intend hope wish aim seek decide prefer desire aspire envision envisage mean try attempt
strive choose opt resolve
intention goal ambition intent purpose objective mission determination
""".split())  # plan, hope, wish, desire and aim are nouns too
# Verbs of showing and finding: evidence when what shows is data or a document ("a poll shows",
# "a study finds", "records show"), not a person.
EVIDENCE_CUES = frozenset("show find suggest indicate reveal demonstrate prove confirm estimate project "
                          "point measure document".split())
DATA_SOURCES = frozenset("""
poll polls survey surveys study studies report reports record records data figure figures analysis
analyses research evidence census audit audits review finding findings investigation number numbers
statistic statistics count tally test tests model models forecast projection estimate document
documents filing filings log logs chart graph paper papers researcher researchers scientist
scientists investigator investigators auditor auditors
""".split())
