/**
 * Hand-written word lists for the sentiment analyzer (listening/sentiment.ts).
 *
 * natural's lexicons (AFINN-165, Pattern, SentiCon) carry the bulk of the vocabulary; they were made
 * for edited text and miss what social-media posts lean on: emoticons, emoji, internet slang, and the
 * function words that change the strength or direction of the words around them. Those are listed here.
 *
 * Valences use AFINN's scale, -5 (most negative) to +5 (most positive), so they mix with natural's
 * AFINN entries without rescaling. Everything here is general English / internet usage; nothing is
 * keyed to a particular data set.
 */

/** Words that flip the polarity of the sentiment words that follow them ("not good", "never liked"). */
export const NEGATORS: readonly string[] = [
  'not', 'no', 'never', 'none', 'nobody', 'nothing', 'nowhere', 'neither', 'nor', 'cannot', 'without',
  'nope', 'rarely', 'seldom', 'lacks', 'lacking',
  // Contractions typed without the apostrophe, as they usually are in posts. Forms with an apostrophe
  // ("don't", "isn't", "won't") are recognised by their "n't" ending instead of being listed.
  'aint', 'arent', 'cant', 'couldnt', 'didnt', 'doesnt', 'dont', 'hadnt', 'hasnt', 'havent', 'isnt',
  'mightnt', 'mustnt', 'neednt', 'shant', 'shouldnt', 'wasnt', 'werent', 'wont', 'wouldnt',
];

/**
 * Degree adverbs. A positive value intensifies the next sentiment word ("very good"), a negative value
 * damps it ("slightly annoying"). The value is the relative change of the modified word's valence.
 */
export const BOOSTERS: ReadonlyArray<readonly [string, number]> = [
  // intensifiers
  ['absolutely', 0.3], ['amazingly', 0.3], ['awfully', 0.3], ['completely', 0.3], ['considerably', 0.3],
  ['deeply', 0.3], ['downright', 0.3], ['enormously', 0.3], ['entirely', 0.3], ['especially', 0.3],
  ['exceptionally', 0.3], ['extremely', 0.3], ['fully', 0.3], ['greatly', 0.3], ['highly', 0.3],
  ['hugely', 0.3], ['incredibly', 0.3], ['insanely', 0.3], ['intensely', 0.3], ['most', 0.3],
  ['more', 0.3], ['particularly', 0.3], ['purely', 0.3], ['quite', 0.3], ['really', 0.3],
  ['remarkably', 0.3], ['ridiculously', 0.3], ['so', 0.3], ['such', 0.3], ['substantially', 0.3],
  ['thoroughly', 0.3], ['too', 0.3], ['totally', 0.3], ['tremendously', 0.3], ['truly', 0.3],
  ['unbelievably', 0.3], ['unusually', 0.3], ['utterly', 0.3], ['very', 0.3], ['much', 0.3],
  ['way', 0.3], ['super', 0.3], ['mega', 0.3], ['uber', 0.3], ['hella', 0.3], ['mad', 0.3],
  ['literally', 0.3], ['seriously', 0.3], ['freaking', 0.3], ['freakin', 0.3], ['fricking', 0.3],
  ['frickin', 0.3], ['friggin', 0.3], ['frigging', 0.3], ['flipping', 0.3], ['flippin', 0.3],
  ['effing', 0.3], ['fucking', 0.3], ['fuckin', 0.3], ['bloody', 0.3], ['damn', 0.3], ['damned', 0.3],
  ['dang', 0.3], ['darn', 0.3], ['highkey', 0.3], ['totes', 0.3], ['def', 0.3], ['definitely', 0.3],
  ['real', 0.15], ['pretty', 0.15], ['soo', 0.3],
  // diminishers
  ['almost', -0.3], ['barely', -0.3], ['hardly', -0.3], ['scarcely', -0.3], ['kinda', -0.3],
  ['sorta', -0.3], ['kindof', -0.3], ['sortof', -0.3], ['less', -0.3], ['marginally', -0.3],
  ['mildly', -0.3], ['occasionally', -0.3], ['partly', -0.3], ['slightly', -0.3], ['somewhat', -0.3],
  ['fairly', -0.15], ['lowkey', -0.3], ['little', -0.3], ['bit', -0.3], ['abit', -0.3],
];

/** Two-word degree phrases; the value applies to the sentiment word after the phrase. */
export const BOOSTER_PHRASES: ReadonlyArray<readonly [string, number]> = [
  ['kind of', -0.3], ['sort of', -0.3], ['a bit', -0.3], ['a little', -0.3], ['a tad', -0.3],
  ['a lot', 0.3], ['so much', 0.3],
];

/**
 * Interjections stand outside the clause they are typed into: "can never leave lmao" does not negate
 * the laugh. They are exempt from negation and degree words, and end a negation's reach.
 */
export const INTERJECTIONS: readonly string[] = [
  'lol', 'lolz', 'lulz', 'lmao', 'lmfao', 'rofl', 'roflmao', 'haha', 'hahaha', 'hehe', 'hihi', 'xd', 'yay',
  'yey', 'woo', 'woohoo', 'woot', 'w00t', 'yass', 'yas', 'hooray', 'hurray', 'yippee', 'ugh', 'argh',
  'grr', 'smh', 'smdh', 'smfh', 'fml', 'ffs', 'wtf', 'omg', 'omfg', 'meh', 'bleh', 'eww', 'ew', 'yuck',
  'xoxo', 'xo', 'aww', 'aw', 'wow', 'whoa', 'jk', 'sigh', 'ftw', 'ftl', 'rip',
];

/** Words placed after what they intensify ("tired af"). */
export const POST_BOOSTERS: ReadonlyArray<readonly [string, number]> = [
  ['af', 0.3], ['asf', 0.3],
];

/** Words that shift weight to the clause after them: "the food was good but the service was awful". */
export const CONTRAST_WORDS: readonly string[] = ['but', 'however'];

/**
 * Internet slang, abbreviations and interjections absent from AFINN (or, for a few, present with a
 * sense that social media rarely uses — see SLANG_OVERRIDES).
 */
export const SLANG: ReadonlyArray<readonly [string, number]> = [
  // laughter and joy
  ['lolz', 2], ['lulz', 2], ['hehe', 2], ['hihi', 1.5], ['xd', 2.5], ['yay', 3], ['yey', 2.5],
  ['woo', 2.5], ['woohoo', 3], ['woot', 3], ['w00t', 3], ['yass', 2.5], ['yas', 2], ['hooray', 3],
  ['hurray', 3], ['yippee', 3], ['whee', 2],
  // affection and thanks
  ['luv', 3], ['ily', 3], ['ilysm', 3.5], ['xoxo', 2.5], ['xo', 2], ['thx', 2], ['thnx', 2],
  ['thanx', 2], ['tx', 1.5], ['tysm', 3], ['tyvm', 3], ['bff', 2], ['bae', 2], ['hugs', 2], ['aww', 2],
  ['aw', 1.5], ['bless', 2], ['blessed', 3], ['pls', 1], ['plz', 1],
  // approval
  ['dope', 2.5], ['fab', 3], ['amazeballs', 3], ['epic', 2.5], ['legit', 1.5], ['goated', 3],
  ['bussin', 3], ['slay', 2], ['slayed', 2], ['slays', 2], ['yum', 2.5], ['yumm', 2.5], ['nom', 1.5],
  ['kewl', 2], ['gud', 2], ['props', 2], ['kudos', 2], ['whoa', 1], ['fave', 2], ['fav', 2], ['faves', 2],
  ['favs', 2], ['ok', 1], ['okay', 1],
  // disapproval, annoyance, sadness
  ['smh', -2], ['smdh', -2.5], ['meh', -1.5], ['bleh', -1.5], ['blah', -1], ['argh', -2], ['arg', -1.5],
  ['grr', -2], ['ew', -2], ['eww', -2], ['yuck', -2.5], ['yuk', -2], ['ick', -2],
  ['fml', -3], ['ffs', -2.5], ['stfu', -3], ['gtfo', -3], ['sux', -3], ['sucky', -2.5], ['suckz', -3],
  ['trash', -2], ['garbage', -2], ['rubbish', -2], ['crappy', -2.5], ['cringe', -2], ['cringy', -2],
  ['cringey', -2], ['facepalm', -2], ['ftl', -2], ['rip', -1.5], ['sigh', -1.5], ['bummer', -2],
  ['boo', -1.5], ['salty', -1.5], ['sus', -1], ['wtf', -3], ['wth', -2], ['omfg', -1],
  ['dafuq', -2], ['smfh', -2.5], ['shitty', -3], ['overrated', -2], ['underwhelming', -2],
];

/**
 * AFINN entries whose everyday social-media sense differs from the one AFINN scored: "bomb" ("that
 * was the bomb") is as often praise as threat, so it is left unscored.
 */
export const SLANG_OVERRIDES: ReadonlyArray<readonly [string, number]> = [
  ['bomb', 0],
];

/**
 * Words that are praise (or criticism) only when used predicatively: "this track is fire", "the party
 * was lit", "that movie was mid". Elsewhere ("forest fire", "lit a candle") the ordinary lexicon applies.
 */
export const PREDICATIVE_SLANG: ReadonlyArray<readonly [string, number]> = [
  ['fire', 3], ['lit', 3], ['mid', -1.5], ['wack', -2], ['whack', -2],
];

/** Tokens after which a predicative slang word is read as an adjective ("is fire", "so lit"). */
export const PREDICATIVE_CUES: readonly string[] = [
  'is', 'was', 'are', 'were', 'be', 'been', 'being', 'so', 'too', 'straight', 'pure', 'absolutely',
  'looks', 'look', 'sounds', 'sound', 'seems', 'kinda', 'pretty', 'really', 'very', 'hella', 'lowkey',
  'highkey', 'ur', 'youre', 'thats', 'its', 'totally',
];

/**
 * Multi-word expressions whose sentiment is not the sum of their words. Matched before single words,
 * so the negator inside "can't wait" does not flip anything.
 */
export const PHRASES: ReadonlyArray<readonly [string, number]> = [
  ["can't wait", 2.5], ['cant wait', 2.5], ['cannot wait', 2.5],
  ['no problem', 1], ['no prob', 1], ['no probs', 1], ['no worries', 1], ['no doubt', 1],
  ['not bad', 1.5], ['not too bad', 1.5], ['not so bad', 1.5], ['look forward', 2], ['looking forward', 2],
  ['shut up', -1.5], ['at least', 0], ['not only', 0], ['no matter', 0], ['no wonder', 0], ['nothing but', 0],
  ['not sure', -1], ['oh well', -1], ['fingers crossed', 1.5], ['well done', 3], ['piece of cake', 2],
  ['pain in the ass', -3], ['waste of time', -3], ['rest in peace', -1.5],
];

/**
 * Emoticons, matched on whole whitespace-separated chunks (or glued to the end of a word, "fun:)").
 * A repeated mouth (":)))", ":((((") is read as the base emoticon plus emphasis.
 */
export const EMOTICONS: ReadonlyArray<readonly [string, number]> = [
  // smiles and laughter
  [':)', 2], [':-)', 2], [':]', 2], [':-]', 2], ['=)', 2], ['=]', 2], ['(:', 2], ['(-:', 2], [':o)', 2],
  [':}', 2], [':>', 1.5], ['c:', 2], [':3', 2], [';)', 2], [';-)', 2], [';]', 2], [';D', 2.5],
  [':D', 3], [':-D', 3], ['=D', 3], ['xD', 2.5], ['XD', 2.5], ['xd', 2], [":')", 2], [":'-)", 2],
  ['^_^', 2.5], ['^^', 2], ['^.^', 2], ['(^_^)', 2.5], ['^-^', 2], [':-3', 2],
  [':P', 1.5], [':-P', 1.5], [':p', 1.5], [':-p', 1.5], ['=P', 1.5], ['=p', 1.5], [';P', 1.5], [';p', 1.5], ['xP', 1.5], ['XP', 1.5],
  [':b', 1], [':*', 2.5], [':-*', 2.5], [';*', 2.5], ['<3', 3], ['♡', 3], ['\\o/', 3], ['\\m/', 2],
  ['8-)', 2], ['B-)', 2], [':))', 2.5], ['=))', 2.5], [':-))', 2.5],
  // frowns, tears, anger
  [':(', -2], [':-(', -2], [':[', -2], [':-[', -2], ['=(', -2], ['=[', -2], ['):', -2], [')-:', -2],
  [':<', -2], [':c', -2], [':{', -2], [";(", -2], [";-(", -2], [":'(", -2.5], [":'-(", -2.5],
  ['D:', -2.5], ['D;', -2.5], ['D=', -2.5], ['>:(', -3], ['>:-(', -3], ['>:[', -3], [':@', -3],
  ['T_T', -2.5], ['T.T', -2.5], [';_;', -2.5], ['QQ', -2], ['-_-', -1.5], ['-.-', -1.5], ['-__-', -1.5],
  [':/', -1], [':-/', -1], [':\\', -1], ['=/', -1], [':-\\', -1], [':|', -0.5], [':-|', -0.5],
  [':S', -1.5], [':s', -1.5], [':-S', -1.5], ['x_x', -2], ['X_X', -2], ['</3', -3], ['<\\3', -3],
  ['>.<', -1], ['>_<', -1.5], ['o_O', -0.5], ['O_o', -0.5], ['o.O', -0.5], ['O.o', -0.5],
  [':((', -2.5], [':-((', -2.5], ['>:O', -2], [':O', 0.5], [':o', 0], [':-O', 0.5],
];

/**
 * Emoji by their base code point (variation selectors, skin tones and ZWJ sequences are folded into the
 * first code point by the tokenizer).
 */
export const EMOJI: ReadonlyArray<readonly [string, number]> = [
  // faces: joy and affection
  ['😀', 3], ['😃', 3], ['😄', 3], ['😁', 3], ['😆', 2.5], ['😅', 1], ['😂', 2.5], ['🤣', 2.5],
  ['😊', 3], ['😇', 2.5], ['🙂', 1.5], ['🙃', 0.5], ['😉', 2], ['😌', 1.5], ['😍', 3.5], ['🥰', 3.5],
  ['😘', 3], ['😗', 2], ['😙', 2], ['😚', 2.5], ['😋', 2.5], ['😛', 1.5], ['😜', 1.5], ['😝', 1.5],
  ['🤪', 1.5], ['🤗', 2.5], ['🤩', 3.5], ['🥳', 3.5], ['😎', 2], ['🤓', 1], ['😏', 0.5], ['🤭', 1],
  ['😺', 2], ['😸', 2.5], ['😹', 2], ['😻', 3], ['☺', 2.5], ['🤤', 1],
  // faces: neutral, doubt, annoyance
  ['😐', -0.5], ['😑', -1], ['😶', -0.5], ['🙄', -1.5], ['😬', -1], ['😒', -2], ['🤨', -0.5],
  ['😕', -1.5], ['🤥', -1.5], ['😴', -0.5], ['🥱', -1], ['😪', -1], ['😳', -0.5], ['🤯', -1],
  // faces: sadness, fear, anger, sickness
  ['😞', -2.5], ['😔', -2], ['😟', -2], ['🙁', -2], ['☹', -2.5], ['😣', -2], ['😖', -2.5], ['😫', -2.5],
  ['😩', -2.5], ['😢', -2.5], ['😭', -2], ['😤', -2], ['😠', -3], ['😡', -3.5], ['🤬', -4], ['😱', -2],
  ['😨', -2.5], ['😰', -2.5], ['😥', -2], ['😓', -1.5], ['😵', -1.5], ['🥴', -0.5], ['🤢', -3], ['🤮', -3.5],
  ['🤧', -1.5], ['😷', -1.5], ['🤒', -2], ['🤕', -2], ['😿', -2], ['😾', -2.5], ['👿', -2.5], ['☠', -1.5],
  ['💩', -2.5], ['🥺', -0.5],
  // hands
  ['👍', 2], ['👎', -2], ['👏', 2], ['🙌', 2.5], ['🙏', 1.5], ['💪', 2], ['✌', 1.5], ['👌', 2],
  ['🤝', 1.5], ['🖕', -4], ['🤦', -2], ['🤷', -0.5],
  // hearts and celebration
  ['❤', 3], ['♥', 3], ['🧡', 3], ['💛', 3], ['💚', 3], ['💙', 3], ['💜', 3], ['🖤', 2], ['🤍', 2.5],
  ['💕', 3], ['💞', 3], ['💓', 3], ['💗', 3], ['💖', 3], ['💘', 3], ['💝', 3], ['💔', -3],
  ['🎉', 3], ['🎊', 3], ['🥂', 2], ['🍾', 2], ['🎂', 2], ['🎁', 2], ['✨', 1.5], ['🌟', 2], ['⭐', 1.5],
  ['🔥', 2], ['💯', 2.5], ['🏆', 2.5], ['🥇', 2.5], ['🌈', 1.5], ['☀', 1], ['✅', 1], ['❌', -1.5],
  ['⚠', -1], ['💢', -2],
];

/**
 * Words after which "like" is the verb ("I like", "would like", "really like") rather than the
 * preposition or filler ("feels like rain", "it was like 3am") that makes up most of its uses in posts.
 */
export const LIKE_CUES: readonly string[] = [
  'i', 'you', 'u', 'we', 'they', 'ya', 'yall', 'he', 'she', 'who', 'people', 'everyone', 'everybody',
  'do', 'does', 'did', 'would', 'will', 'might', 'to', 'also', 'really', 'totally', 'actually', 'still',
  'definitely', 'kinda', 'sorta', 'genuinely', 'always', 'much', 'so', 'ppl', 'fans', 'lot',
];

/**
 * Frequent function words and light verbs. natural's SentiCon and Pattern lexicons are derived from
 * WordNet senses and give many of these a mild polarity ("in" +0.33, "just" +0.66, "off" -1, "go" +0.5)
 * from some rare sense; in posts they carry no sentiment, so the fallback lexicons skip them (in
 * addition to natural's own stop-word list).
 */
export const FALLBACK_STOPWORDS: readonly string[] = [
  // prepositions, particles, conjunctions
  'in', 'on', 'at', 'by', 'for', 'from', 'of', 'off', 'out', 'up', 'down', 'over', 'under', 'about', 'across',
  'along', 'around', 'away', 'back', 'behind', 'beside', 'besides', 'beyond', 'inside', 'outside', 'onto',
  'into', 'past', 'round', 'through', 'throughout', 'till', 'toward', 'towards', 'upon', 'via', 'within',
  'plus', 'minus', 'per', 'than', 'though', 'although', 'unless', 'whether', 'either', 'neither', 'except',
  // determiners, pronouns, quantifiers
  'all', 'any', 'both', 'each', 'every', 'few', 'many', 'much', 'more', 'most', 'less', 'least', 'lot',
  'lots', 'some', 'several', 'enough', 'whole', 'half', 'single', 'double', 'extra', 'one', 'ones', 'two',
  'first', 'second', 'third', 'last', 'next', 'other', 'another', 'same', 'such', 'own', 'someone',
  'somebody', 'something', 'somewhere', 'anyone', 'anything', 'everyone', 'everything', 'everywhere',
  'thing', 'things', 'stuff', 'way', 'ways', 'part', 'kind', 'sort', 'type', 'bit', 'piece',
  // adverbs of time, place, degree and discourse
  'just', 'still', 'even', 'also', 'too', 'very', 'so', 'quite', 'rather', 'really', 'almost', 'already',
  'again', 'ever', 'always', 'often', 'sometimes', 'soon', 'now', 'then', 'today', 'tonight', 'tomorrow',
  'yesterday', 'here', 'there', 'where', 'well', 'right', 'left', 'sure', 'yet', 'only', 'maybe',
  'perhaps', 'probably', 'actually', 'totally', 'together', 'apart', 'alone', 'long', 'far', 'near',
  'late', 'early', 'little', 'big', 'small', 'high', 'low', 'full', 'open', 'close', 'new', 'old',
  'young', 'real', 'live', 'light', 'dark', 'hard', 'fast', 'slow', 'short', 'ok', 'okay',
  // auxiliaries, modals and light verbs in any form
  'be', 'been', 'being', 'am', 'is', 'are', 'was', 'were', 'do', 'does', 'did', 'done', 'doing', 'have',
  'has', 'had', 'having', 'will', 'would', 'shall', 'should', 'can', 'could', 'may', 'might', 'must',
  'get', 'gets', 'got', 'gotten', 'getting', 'go', 'goes', 'went', 'gone', 'going', 'make', 'makes',
  'made', 'making', 'take', 'takes', 'took', 'taken', 'taking', 'give', 'gives', 'gave', 'given',
  'giving', 'put', 'puts', 'putting', 'set', 'sets', 'keep', 'keeps', 'kept', 'let', 'lets', 'come',
  'comes', 'came', 'coming', 'see', 'sees', 'saw', 'seen', 'seeing', 'say', 'says', 'said', 'tell',
  'told', 'know', 'knows', 'knew', 'known', 'think', 'thinks', 'thought', 'try', 'tries', 'tried',
  'trying', 'look', 'looks', 'looked', 'looking', 'find', 'found', 'use', 'used', 'using', 'work',
  'works', 'worked', 'working', 'turn', 'turned', 'run', 'running', 'meet', 'meeting', 'sent', 'send',
  'bring', 'brought', 'buy', 'bought', 'pay', 'paid', 'start', 'started', 'end', 'ended', 'ends',
  'sit', 'sitting', 'stand', 'call', 'called', 'talk', 'talking', 'watch', 'watching', 'wait', 'waiting',
  'move', 'moving', 'play', 'playing', 'read', 'reading', 'need', 'needs', 'needed', 'want', 'wants',
  'wanted', 'mean', 'means', 'meant', 'seem', 'seems', 'seemed', 'feel', 'feels', 'felt', 'feeling',
  // everyday nouns that WordNet senses colour
  'time', 'times', 'day', 'days', 'night', 'nights', 'week', 'weekend', 'year', 'years', 'home', 'house',
  'people', 'person', 'man', 'men', 'woman', 'women', 'guy', 'guys', 'kid', 'kids', 'baby', 'son',
  'daughter', 'mom', 'dad', 'family', 'friend', 'body', 'eyes', 'head', 'hand', 'hands', 'face', 'game',
  'movie', 'show', 'song', 'music', 'book', 'phone', 'car', 'city', 'school', 'class', 'company',
  'public', 'police', 'office', 'world', 'life', 'place', 'point', 'line', 'side', 'top', 'black', 'white',
  'red', 'blue', 'green',
];
