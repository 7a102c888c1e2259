"""The words of requests that are not titles: what people write around a title when they ask
for a movie, the words for genres, languages and countries, and the small talk of a chat.

Word lists are folded (lower case, no accents, no apostrophes), as `bot.core.normalize`
writes words, so a token's `parts` can be looked up directly.
"""

from __future__ import annotations


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Function words: they sit inside titles as often as around them ("Lord of the Rings").
SOFT = _words(
    """
    a an the of in on at to for from with by about as into onto over under up down out off
    after before between during without within through since until against among behind
    beyond near around across along upon via per
    and or but nor so yet if then than that this these those there here it its it is
    i me my mine myself you your yours we us our they them their he him his she her hers
    be is am are was were been being do does did done have has had having will would shall
    should can could may might must not no nor very too also just only even still really
    all any some each every both either neither one ones other another such same own
    what which who whom whose when where why how whats thats its im ive id youre theyre dont
    doesnt didnt isnt arent wasnt werent cant couldnt wouldnt shouldnt wont
    like ok okay yes yeah yep nope oh ah hmm well plus versus vs
    """
)

# Words of asking for a movie, rarely a title's own: they end a run of title words.
REQUEST = _words(
    """
    movie movies film films flick flicks cinema title titles picture pictures watch watching
    sequel sequels prequel prequels remake remakes director directors
    watched rewatch seen saw see recommend recommends recommended recommendation
    recommendations suggest suggests suggested suggestion suggestions rec recs
    similar simular similiar resembling resembles vein vibe vibes feel mood style kind sort
    close closest somewhere fans type something somethin smth sth anything anythin everything
    stuff thing things
    else more less other others
    loved love lovd luv liked likes enjoyed enjoy adore adored dig dug fan fond
    want wanted wanna need needs looking look search searching find show give get gimme tell
    please pls plz thanks thank thx ty cheers
    good great nice cool awesome amazing fun best better favorite favourite favourites fav
    tonight today weekend evening night date later now currently recently
    bot moviebot buddy mate folks guys team everyone anyone someone somebody
    maybe perhaps probably kinda sorta pretty quite much many lot lots bit little
    any some few couple
    hey hi hello yo hiya howdy sup greetings morning afternoon
    help lol lmao haha hehe brb omg btw idk imo tbh afk gtg ttyl np yw ping test testing
    """
)

# Words that make a following title a seed ("like Up", "loved Her"): they support a title
# made only of common words.
SEED_CUES = _words(
    """
    like loved love loves liked likes enjoyed enjoy enjoys adore adored seen saw watched watch
    than as to dug fan fans of about similar simular similiar resembling after finished
    rewatched rewatching rewatch remember remembered between
    """
)
# ...of them, those that name a film when a title is already in the message ("loved Heat and
# Ronin", "like heat but not the godfather"; not "watch next").
STRONG_CUES = _words(
    "like loved love liked enjoyed adore adored seen saw watched rewatched finished dug fan"
    " not except excluding besides minus nor"
)
# Words after a title that make it one ("Heat vibes", "Heat was great", "Heat meets Up").
AFTER_CUES = _words("vibes vibe type style esque meets but pls please")
# ...and at the start of a message: "Heat was great".
OPENING_CUES = _words("was is were blew made makes slaps rocks rules")

# Words that mark the message as being about movies (a seed then needs less support).
MOVIE_CONTEXT = _words(
    """
    movie movies film films flick flicks cinema watch watched watching seen saw rewatch
    recommend recommended recommendation recommendations suggest suggestion suggestions
    rec recs similar simular similiar loved liked enjoyed
    sequel sequels prequel prequels remake remakes director directors
    """
)

NEGATIONS = _words("no not without except excluding nothing non never nor minus")

GREETINGS = _words(
    "hi hello hey heya hiya yo howdy sup greetings morning evening afternoon gm hai helo"
)
THANKS = _words(
    """
    thanks thank thx ty tyvm thanx cheers ta great awesome perfect nice cool lovely brilliant
    amazing excellent wonderful ok okay got it noted appreciated appreciate much lot you so
    very sweet gracias merci danke
    """
)
HELP = _words(
    """
    help usage commands command how does do this work what can you do use are who
    options instructions info about guide
    """
)

# IMDb's genres, and the words people use for them.
GENRE_WORDS: dict[str, tuple[str, ...]] = {
    "action": ("Action",),
    "action packed": ("Action",),
    "actiony": ("Action",),
    "adventure": ("Adventure",),
    "adventures": ("Adventure",),
    "adventurous": ("Adventure",),
    "animated": ("Animation",),
    "animation": ("Animation",),
    "cartoon": ("Animation",),
    "cartoons": ("Animation",),
    "biopic": ("Biography",),
    "biopics": ("Biography",),
    "biography": ("Biography",),
    "biographical": ("Biography",),
    "comedy": ("Comedy",),
    "comedies": ("Comedy",),
    "comedic": ("Comedy",),
    "funny": ("Comedy",),
    "funnier": ("Comedy",),
    "funniest": ("Comedy",),
    "hilarious": ("Comedy",),
    "humorous": ("Comedy",),
    "lighthearted": ("Comedy",),
    "light hearted": ("Comedy",),
    "crime": ("Crime",),
    "heist": ("Crime",),
    "heists": ("Crime",),
    "gangster": ("Crime",),
    "gangsters": ("Crime",),
    "mafia": ("Crime",),
    "documentary": ("Documentary",),
    "documentaries": ("Documentary",),
    "docu": ("Documentary",),
    "doc": ("Documentary",),
    "docs": ("Documentary",),
    "drama": ("Drama",),
    "dramas": ("Drama",),
    "dramatic": ("Drama",),
    "family": ("Family",),
    "family friendly": ("Family",),
    "kids": ("Family",),
    "kid friendly": ("Family",),
    "childrens": ("Family",),
    "fantasy": ("Fantasy",),
    "noir": ("Film-Noir",),
    "film noir": ("Film-Noir",),
    "historical": ("History",),
    "history": ("History",),
    "period piece": ("History",),
    "horror": ("Horror",),
    "horrors": ("Horror",),
    "scary": ("Horror",),
    "scarier": ("Horror",),
    "scariest": ("Horror",),
    "creepy": ("Horror",),
    "creepier": ("Horror",),
    "spooky": ("Horror",),
    "spookier": ("Horror",),
    "frightening": ("Horror",),
    "terrifying": ("Horror",),
    "slasher": ("Horror",),
    "slashers": ("Horror",),
    "music": ("Music",),
    "musical": ("Musical",),
    "musicals": ("Musical",),
    "mystery": ("Mystery",),
    "mysteries": ("Mystery",),
    "whodunit": ("Mystery",),
    "whodunnit": ("Mystery",),
    "romance": ("Romance",),
    "romances": ("Romance",),
    "romantic": ("Romance",),
    "love story": ("Romance",),
    "romcom": ("Romance", "Comedy"),
    "rom com": ("Romance", "Comedy"),
    "romcoms": ("Romance", "Comedy"),
    "rom coms": ("Romance", "Comedy"),
    "sci fi": ("Sci-Fi",),
    "scifi": ("Sci-Fi",),
    "science fiction": ("Sci-Fi",),
    "sport": ("Sport",),
    "sports": ("Sport",),
    "thriller": ("Thriller",),
    "thrillers": ("Thriller",),
    "thrilling": ("Thriller",),
    "suspense": ("Thriller",),
    "suspenseful": ("Thriller",),
    "war": ("War",),
    "western": ("Western",),
    "westerns": ("Western",),
    "superhero": ("Action",),
    "superheroes": ("Action",),
}
# Words that name two genres at once are two constraints (a rom-com is both).
TWO_GENRES = frozenset({"romcom", "rom com", "romcoms", "rom coms"})

# "in French": the language (ISO 639-1, as IMDb's akas write it).
LANGUAGES: dict[str, str] = {
    "english": "en", "french": "fr", "spanish": "es", "german": "de", "italian": "it",
    "japanese": "ja", "korean": "ko", "chinese": "zh", "mandarin": "zh", "cantonese": "yue",
    "hindi": "hi", "russian": "ru", "portuguese": "pt", "swedish": "sv", "danish": "da",
    "norwegian": "no", "finnish": "fi", "dutch": "nl", "polish": "pl", "turkish": "tr",
    "arabic": "ar", "persian": "fa", "farsi": "fa", "hebrew": "he", "greek": "el", "thai": "th",
    "indonesian": "id", "vietnamese": "vi", "tamil": "ta", "telugu": "te", "czech": "cs",
    "hungarian": "hu", "romanian": "ro", "icelandic": "is", "ukrainian": "uk", "bengali": "bn",
    "malayalam": "ml", "tagalog": "tl", "catalan": "ca", "serbian": "sr", "croatian": "hr",
}  # fmt: skip
# "a Korean thriller", "from Japan": the country (ISO 3166-1, as IMDb's akas regions).
NATIONALITIES: dict[str, tuple[str, ...]] = {
    "american": ("US",), "us": ("US",), "usa": ("US",), "hollywood": ("US",),
    "british": ("GB",), "uk": ("GB",), "scottish": ("GB",), "welsh": ("GB",), "irish": ("IE",),
    "french": ("FR",), "spanish": ("ES",), "mexican": ("MX",), "german": ("DE",),
    "italian": ("IT",), "japanese": ("JP",), "korean": ("KR",), "south korean": ("KR",),
    "chinese": ("CN",), "hong kong": ("HK",), "taiwanese": ("TW",), "indian": ("IN",),
    "bollywood": ("IN",), "tollywood": ("IN",), "russian": ("RU",), "brazilian": ("BR",),
    "argentinian": ("AR",), "argentine": ("AR",), "chilean": ("CL",), "colombian": ("CO",),
    "swedish": ("SE",), "danish": ("DK",), "norwegian": ("NO",), "finnish": ("FI",),
    "icelandic": ("IS",), "dutch": ("NL",), "belgian": ("BE",), "swiss": ("CH",),
    "austrian": ("AT",), "polish": ("PL",), "czech": ("CZ",), "hungarian": ("HU",),
    "romanian": ("RO",), "greek": ("GR",), "turkish": ("TR",), "iranian": ("IR",),
    "israeli": ("IL",), "egyptian": ("EG",), "nigerian": ("NG",), "nollywood": ("NG",),
    "south african": ("ZA",), "australian": ("AU",), "aussie": ("AU",), "canadian": ("CA",),
    "new zealand": ("NZ",), "thai": ("TH",), "vietnamese": ("VN",), "indonesian": ("ID",),
    "filipino": ("PH",), "portuguese": ("PT",), "ukrainian": ("UA",),
    "scandinavian": ("SE", "NO", "DK", "FI", "IS"), "nordic": ("SE", "NO", "DK", "FI", "IS"),
    "latin american": ("MX", "AR", "BR", "CL", "CO", "PE", "CU", "UY", "VE"),
    "european": ("FR", "DE", "IT", "ES", "GB", "SE", "DK", "NO", "FI", "NL", "BE", "PL", "PT",
                 "AT", "CH", "IE", "CZ", "HU", "RO", "GR"),
    "asian": ("JP", "KR", "CN", "HK", "TW", "IN", "TH", "ID", "PH", "VN"),
}  # fmt: skip
COUNTRIES: dict[str, tuple[str, ...]] = {
    "america": ("US",), "the us": ("US",), "the usa": ("US",), "the states": ("US",),
    "britain": ("GB",), "england": ("GB",), "the uk": ("GB",), "scotland": ("GB",),
    "ireland": ("IE",), "france": ("FR",), "spain": ("ES",), "mexico": ("MX",),
    "germany": ("DE",), "italy": ("IT",), "japan": ("JP",), "korea": ("KR",),
    "south korea": ("KR",), "china": ("CN",), "hong kong": ("HK",), "taiwan": ("TW",),
    "india": ("IN",), "russia": ("RU",), "brazil": ("BR",), "argentina": ("AR",),
    "sweden": ("SE",), "denmark": ("DK",), "norway": ("NO",), "finland": ("FI",),
    "iceland": ("IS",), "the netherlands": ("NL",), "netherlands": ("NL",), "holland": ("NL",),
    "belgium": ("BE",), "poland": ("PL",), "turkey": ("TR",), "iran": ("IR",),
    "israel": ("IL",), "egypt": ("EG",), "nigeria": ("NG",), "australia": ("AU",),
    "canada": ("CA",), "new zealand": ("NZ",), "thailand": ("TH",), "greece": ("GR",),
    "portugal": ("PT",), "europe": NATIONALITIES["european"], "asia": NATIONALITIES["asian"],
    "scandinavia": NATIONALITIES["scandinavian"],
}  # fmt: skip

# What may come before "X was great" at the start of a message.
OPENERS = _words("ok okay so honestly tbh omg wow well hey yo man dude lol and but also")
# Words of a chat, never of a title typed alone.
CHATTER = _words(
    "hey hi hello yo pls plz please thx vibes vibe recs rec recommendations suggestions lol"
    " ping test testing"  # how people try a bot
)
# Request words that end a run of title words (others, "night", "love", may be in a title).
ASKING = (
    MOVIE_CONTEXT
    | CHATTER
    | _words(
        "else something anything stuff recommend suggest want wanna need looking gimme"
        " help thanks thank ty cheers close closest somewhere fans fan vein enjoy"
    )
)
# Cues that start a title rather than sit inside one ("of", "to" and "as" do both).
SENTENCE_CUES = _words(
    "like loved love loves liked enjoyed seen watched similar resembling finished rewatched"
    " rewatching"
)
TITLE_NOUNS = frozenset({"movie", "movies", "film", "films", "picture", "pictures"})
# Before a phrase that is also a title ("surprise me", "anything"), the words that make it the
# title: "like Surprise Me!", "loved Anything" (not SEED_CUES: "watch anything" is no title).
TITLE_MARKS = frozenset({"like", "liked", "loved", "enjoyed"})
WANTING = frozenset({"id", "i", "would", "wd", "you"})  # "i'd like anything" wants, not likes
# "would you like milk", "i'd love a coffee": a wish, not a film liked.
WISHING = frozenset({"id", "would", "wd", "youd", "wed", "hed", "shed", "theyd"})
PARTICLES = frozenset({"up", "down", "out", "off", "over", "away", "back", "around", "on", "in"})
CONJUNCTIONS = frozenset({"and", "or", "n", "nor", "plus", "vs", "versus", "with", "meets", "x"})
# ...of them, those that list titles even beside a lone word ("heat with her" is company).
LIST_JOINERS = frozenset({"and", "or", "plus", "vs", "versus", "meets"})
# Words that point back at something said: never a title in lower case ("anything like it").
REFERENTS = _words(
    "it its this that these those them they one ones me you him her us we i mine yours all"
    " both each some any other others another same such own either neither so"
)
# Two words that join titles as one conjunction does: "Heat crossed with Ronin", "Heat or
# maybe Ronin", "somewhere between Heat and Ronin" reads its "and".
JOINING_PAIRS = frozenset(
    {
        ("crossed", "with"), ("mixed", "with"), ("mashed", "with"), ("combined", "with"),
        ("blended", "with"), ("along", "with"), ("together", "with"), ("or", "maybe"),
        ("and", "maybe"), ("or", "perhaps"), ("and", "also"), ("or", "even"), ("and", "then"),
    }
)  # fmt: skip

ORDINALS: dict[str, int] = {
    "first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4, "4th": 4,
    "fifth": 5, "5th": 5, "sixth": 6, "6th": 6, "seventh": 7, "7th": 7, "eighth": 8, "8th": 8,
    "ninth": 9, "9th": 9, "tenth": 10, "10th": 10, "last": -1,
}  # fmt: skip

# Common English words (beyond the two lists above): a title made only of these ("Gone Girl",
# "Room", "Heat") needs the typing to support it in a sentence, and one of them left outside
# a title costs nothing (it is ordinary talk, not a mistyped title).
COMMON = _words(
    """
    time year years people way day days man men woman women child children world life hand
    part place case week company system program question work government number night point
    home water room mother father area money story fact month lot right study book eye eyes
    job word business issue side kind head house service friend friends family power hour
    game line end member law car city community name president team minute idea ideas kid
    body information back parent face others level office door health person art war history
    party result change morning reason research girl girls guy guys moment air teacher force
    education foot feet boy boys age policy everything process music market sense nation plan
    college interest death experience effect use class control care field development role
    effort rate heart drug show leader light voice wife husband police mind price report
    decision son daughter view relationship town road arm difference value building action
    model season society tax director position player record paper space ground form event
    official matter center couple site project activity star table need court american oil
    situation cost industry figure street image phone data picture practice piece land
    product doctor wall patient worker news test movie north love personal support technology
    step baby computer type attention film tree source organization hair window evidence
    population site truth sound ring island king queen prince princess dog dogs cat cats
    animal animals bird birds fish horse sea ocean river lake mountain forest sky sun moon
    fire ice snow rain storm wind summer winter spring fall autumn christmas holiday weekend
    birthday wedding dinner lunch breakfast food coffee tea beer wine drink pizza cake bread
    school class student students teacher lesson homework exam office desk meeting meetings
    email emails message messages chat slack channel thread server servers build builds
    deploy deployment release bug bugs code review request pull branch test tests laptop
    printer charger keys key password wifi internet network elevator floor floors kitchen
    bathroom parking train bus plane flight ticket tickets trip travel vacation hotel
    doctor hospital pharmacy store shop mall bank gym park beach garden street
    clock watch calendar schedule deadline timesheet timesheets report reports budget sales
    customer customers client clients boss manager colleague colleagues coworker coworkers
    sarah john mike dave tom anna emma alex chris sam
    good new first last long great little own old right big high different small large next
    early young important few public bad same able late hard real best better sure free
    true whole clear full special easy strong certain major open possible black white red
    blue green yellow dark light hot cold warm cool nice happy sad angry funny crazy wild
    beautiful pretty ugly strange weird normal simple quick slow fast loud quiet soft heavy
    empty broken dead alive lost found final perfect total main wrong bright deep lucky
    dangerous safe rich poor fresh clean dirty busy tired sick ready fine lonely brave
    kind gentle smart stupid dumb silly serious honest famous secret hidden gone sweet
    say said says get got go goes went going make made know knew think thought take took
    come came came see saw look looked want give gave use used find found tell told ask
    asked work worked seem felt feel try tried leave left call called keep kept let begin
    began help talk turn start started show showed hear heard play played run ran move
    moved live lived believe hold bring brought happen happened write wrote sit stand lose
    pay meet include continue set learn change lead understand follow stop create speak
    read allow add spend grow open walk win offer remember consider appear buy wait serve
    die send expect build stay fall cut reach kill remain suggest raise pass sell require
    decide pull break broke finish finished finishing book booked fix fixed restart reset
    review reviewed share shared eat ate drink drank sleep slept wake woke drive drove fly
    flew cry cried laugh laughed smile love loves hate hated miss missed forget forgot
    rewatch rewatched rewatching binge binged binging stream streamed streaming
    marry married dance danced sing sang fight fought hide hid jump jumped kiss kissed
    moving working looking coming getting making thinking talking trying playing watching
    always never often sometimes usually ever again already soon today tomorrow yesterday
    tonight lately recently finally actually basically literally totally honestly seriously
    especially definitely absolutely probably maybe together away back around almost enough
    far less least later else instead though although because while until since
    yes no hello goodbye bye sorry please thanks lol haha omg wow yay ugh hmm meh nah
    anyone everyone someone nobody anybody everybody somebody nothing something anything
    everything whatever wherever whenever whoever
    one two three four five six seven eight nine ten hundred thousand million
    half dozen couple pair single double
    monday tuesday wednesday thursday friday saturday sunday january february march april
    may june july august september october november december
    mom dad brother sister uncle aunt cousin grandma grandpa wife husband partner
    girlfriend boyfriend roommate neighbour neighbor
    fav favs fave faves favourite favorite idea suggestion bunch ton tons
    mix blend cross crossed mixed combo combination mashup meets common
    rn tbh ngl imo imho fr lowkey highkey gonna wanna gotta kinda sorta dunno yeah yup nope
    keep keeps kept talk talks talking said saying mean means meant guess guessed hope hoped
    wish wished bet heard hearing told telling asked asking reckon suppose supposed
    pick picks picked choose chose chosen option options choice choices list queue queued
    next last previous latest current similar same different related comparable equivalent
    incredible amazing awesome brilliant fantastic terrific wonderful excellent outstanding
    superb solid decent fine okay alright meh boring bland dull slow long short overrated
    mind minds blew blown blow blowing hooked obsessed addicted impressed moved touched
    comfort cozy chill relaxing relaxed intense tense gripping emotional heavy light fun
    night nights evening evenings afternoon morning mornings weekend weekends tonight
    roommate roommates flatmate coworker colleagues kids kid children family parents wife
    husband boyfriend girlfriend partner friend friends buddy buddies crew group class
    everyone everybody anyone anybody someone somebody folks people person guys
    month months week weeks year years decade decades century era age ages
    bit lot lots plenty bunch couple few several many much more most less least enough
    ever never always often sometimes usually already yet still again once twice
    favourite favorite favorites favourites fav faves fave classic classics gem gems
    ending endings plot plots story stories twist twists scene scenes character characters
    actor actors actress director directors cast soundtrack score sequel sequels prequel
    series season episode episodes show shows tv netflix hulu prime disney hbo streaming
    theatre theater cinema popcorn snacks couch sofa
    recommend recommendation recommendations suggest suggestion suggestions idea ideas
    tell give show find help need want like love enjoy prefer
    worth worthy watchable rewatchable underrated overrated hyped
    spirit vein style tone feel feeling vibe vibes mood type sort kind genre
    also too either neither both each every all any some none
    just only even still really very quite pretty rather fairly totally completely
    currently recently lately finally eventually immediately soon later earlier
    yesterday today tomorrow tonight weekend
    """
)
