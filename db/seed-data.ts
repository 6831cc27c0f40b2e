// Seed catalog: 72 curated classics plus a deterministic synthetic generator
// for load tests. No imports — pure data and small pure helpers.

export type SeedBook = {
  title: string;
  author: string;
  genre: string;
  description: string;
  isbn: string;
  publishedYear: number;
  pages: number;
  priceCents: number;
  stock: number;
};

export const genres = ["Fiction", "Mystery", "Science Fiction", "Fantasy", "Romance", "History", "Philosophy", "Poetry"] as const;

export type Genre = (typeof genres)[number];

/** Returns a full ISBN-13 for a 12-digit stem by appending the check digit. */
export function isbn13(stem: string): string {
  if (!/^\d{12}$/.test(stem)) throw new Error(`ISBN stem must be 12 digits: ${stem}`);
  let sum = 0;
  for (let i = 0; i < 12; i++) sum += Number(stem.charAt(i)) * (i % 2 === 0 ? 1 : 3);
  return stem + String((10 - (sum % 10)) % 10);
}

// ---------------------------------------------------------------------------
// Curated catalog
// ---------------------------------------------------------------------------

// [title, author, publishedYear, pages, priceCents, stock, description]
type Row = readonly [string, string, number, number, number, number, string];

const curated: Record<Genre, readonly Row[]> = {
  Fiction: [
    [
      "Moby-Dick",
      "Herman Melville",
      1851,
      635,
      1499,
      12,
      "Captain Ahab drives the whaler Pequod across the world's oceans in pursuit of the white whale that took his leg, while young Ishmael records a voyage of obsession, wonder, and doom.",
    ],
    [
      "Great Expectations",
      "Charles Dickens",
      1861,
      544,
      1299,
      18,
      "Orphan Pip's life is transformed when a mysterious benefactor promises to make him a gentleman, sending him from the Kent marshes to London and into a tangle of ambition, guilt, and unrequited love.",
    ],
    [
      "Middlemarch",
      "George Eliot",
      1871,
      880,
      1799,
      7,
      "In a provincial English town on the brink of reform, idealistic Dorothea Brooke and ambitious doctor Tertius Lydgate each learn how marriage, money, and gossip can bend even the noblest plans.",
    ],
    [
      "The Great Gatsby",
      "F. Scott Fitzgerald",
      1925,
      180,
      1099,
      35,
      "On Long Island in the summer of 1922, Nick Carraway watches his enigmatic neighbor Jay Gatsby throw dazzling parties in hopes of winning back Daisy Buchanan, the one dream money cannot quite buy.",
    ],
    [
      "Crime and Punishment",
      "Fyodor Dostoevsky",
      1866,
      671,
      1599,
      14,
      "A destitute former student in St. Petersburg convinces himself that an extraordinary man may cross any moral line, then commits a murder and spirals into a feverish duel with his conscience.",
    ],
    [
      "Don Quixote",
      "Miguel de Cervantes",
      1605,
      1072,
      2299,
      0,
      "Driven half mad by tales of chivalry, an aging Spanish gentleman rides out with his practical squire Sancho Panza to right wrongs, tilt at windmills, and, along the way, invent the modern novel.",
    ],
    [
      "Madame Bovary",
      "Gustave Flaubert",
      1857,
      329,
      1199,
      9,
      "Bored by provincial life and her dull country-doctor husband, Emma Bovary chases the passion she has read about in novels, piling up lovers and debts in a portrait of longing that shocked its first readers.",
    ],
    [
      "Les Misérables",
      "Victor Hugo",
      1862,
      1463,
      2499,
      6,
      "Released after nineteen years in prison for stealing bread, Jean Valjean remakes himself as an honest man, yet the relentless Inspector Javert pursues him through decades of French upheaval and revolution.",
    ],
    [
      "Adventures of Huckleberry Finn",
      "Mark Twain",
      1884,
      366,
      999,
      22,
      "Escaping his violent father, Huck Finn rafts down the Mississippi with Jim, a man fleeing slavery, and their journey through river towns and swindles becomes a searching look at friendship and freedom.",
    ],
  ],
  Mystery: [
    [
      "The Hound of the Baskervilles",
      "Arthur Conan Doyle",
      1902,
      256,
      999,
      25,
      "A spectral hound is said to haunt the Baskerville family, and when the heir arrives on the fog-bound Devon moors, Sherlock Holmes and Dr. Watson must separate legend from a very human plot.",
    ],
    [
      "A Study in Scarlet",
      "Arthur Conan Doyle",
      1887,
      188,
      849,
      16,
      "A body in an empty London house, a word scrawled in blood, and a chance meeting between an army doctor and an eccentric consulting detective launch the very first case of Sherlock Holmes.",
    ],
    [
      "The Sign of the Four",
      "Arthur Conan Doyle",
      1890,
      160,
      849,
      11,
      "A young woman receives a perfect pearl every year from an unknown sender, and her plea for help leads Holmes and Watson to a stolen treasure, a broken pact, and a thrilling night chase on the Thames.",
    ],
    [
      "The Moonstone",
      "Wilkie Collins",
      1868,
      528,
      1349,
      0,
      "A sacred yellow diamond vanishes from a Yorkshire country house the night after a birthday party, and a chorus of witnesses pieces together the theft in what is often called the first great detective novel.",
    ],
    [
      "The Woman in White",
      "Wilkie Collins",
      1860,
      672,
      1449,
      8,
      "A drawing teacher's midnight encounter with a mysterious woman dressed all in white pulls him into a conspiracy of stolen identities, asylums, and a fortune guarded by a charming, dangerous count.",
    ],
    [
      "The Mysterious Affair at Styles",
      "Agatha Christie",
      1920,
      296,
      1099,
      20,
      "When the wealthy mistress of Styles Court dies of strychnine poisoning, a retired Belgian detective named Hercule Poirot takes his first case, sorting motive from misdirection in a house full of suspects.",
    ],
    [
      "The Innocence of Father Brown",
      "G. K. Chesterton",
      1911,
      288,
      999,
      13,
      "A mild, round-faced priest with a battered umbrella solves baffling crimes by understanding sin from the inside, outwitting master thieves and proud rationalists in twelve ingenious stories.",
    ],
    [
      "The Thirty-Nine Steps",
      "John Buchan",
      1915,
      138,
      799,
      27,
      "Richard Hannay finds a murdered spy in his London flat and flees to the Scottish hills with a coded notebook, hunted by police and enemy agents alike in the race-against-time thriller that defined a genre.",
    ],
    [
      "The Mystery of Edwin Drood",
      "Charles Dickens",
      1870,
      320,
      1049,
      5,
      "A young man vanishes on a stormy Christmas Eve in a cathedral town and suspicion falls on those closest to him; Dickens died before finishing the tale, leaving readers a genuinely unsolved mystery.",
    ],
  ],
  "Science Fiction": [
    [
      "Frankenstein",
      "Mary Shelley",
      1818,
      280,
      899,
      30,
      "Obsessed with the secret of life, young Victor Frankenstein builds and animates a creature, then abandons it, setting off a tragic pursuit across Europe and the Arctic that gave birth to science fiction.",
    ],
    [
      "The Time Machine",
      "H. G. Wells",
      1895,
      118,
      799,
      24,
      "A Victorian inventor travels hundreds of thousands of years ahead and finds humanity split into the delicate Eloi and the subterranean Morlocks, a chilling vision of where class division may lead.",
    ],
    [
      "The War of the Worlds",
      "H. G. Wells",
      1898,
      192,
      899,
      19,
      "Cylinders fall on the English countryside and Martian war machines armed with heat-rays march on London as one man struggles to survive the invasion that redefined the alien-encounter story.",
    ],
    [
      "Twenty Thousand Leagues Under the Seas",
      "Jules Verne",
      1870,
      432,
      1199,
      10,
      "A professor, his servant, and a harpooner are taken aboard the Nautilus, the marvelous submarine of the brooding Captain Nemo, for a voyage through coral forests, sunken ruins, and polar ice.",
    ],
    [
      "Journey to the Center of the Earth",
      "Jules Verne",
      1864,
      240,
      999,
      15,
      "A coded runic note sends an impulsive professor, his reluctant nephew, and a steadfast Icelandic guide down an extinct volcano toward prehistoric seas and wonders hidden deep beneath the surface.",
    ],
    [
      "A Princess of Mars",
      "Edgar Rice Burroughs",
      1917,
      326,
      899,
      21,
      "Civil War veteran John Carter is mysteriously transported to Mars, where the low gravity makes him a champion among four-armed green warriors and the fate of a dying planet rests on a princess.",
    ],
    [
      "Flatland: A Romance of Many Dimensions",
      "Edwin A. Abbott",
      1884,
      96,
      699,
      1,
      "A Square in a rigidly hierarchical two-dimensional world is visited by a Sphere and glimpses a third dimension, a playful mathematical fable that doubles as a sharp satire of Victorian society.",
    ],
    [
      "We",
      "Yevgeny Zamyatin",
      1924,
      226,
      1149,
      9,
      "In the glass-walled One State, where citizens are numbers and every hour is scheduled, the engineer D-503 keeps a diary that slowly fills with doubt, desire, and rebellion in the original dystopian novel.",
    ],
    [
      "Strange Case of Dr Jekyll and Mr Hyde",
      "Robert Louis Stevenson",
      1886,
      144,
      749,
      28,
      "A London lawyer probes the link between his respected friend Dr. Jekyll and the brutal Edward Hyde, uncovering a chemical experiment that splits one man into two irreconcilable selves.",
    ],
  ],
  Fantasy: [
    [
      "Alice's Adventures in Wonderland",
      "Lewis Carroll",
      1865,
      192,
      799,
      40,
      "Following a white rabbit down a hole, Alice tumbles into a world of shrinking potions, a grinning cat, a mad tea party, and a furious queen, where nonsense follows a logic all its own.",
    ],
    [
      "Through the Looking-Glass",
      "Lewis Carroll",
      1871,
      208,
      799,
      17,
      "Alice climbs through the mirror above her mantel into a reversed world laid out like a giant chessboard, where she meets Humpty Dumpty and plays a curious game to become a queen.",
    ],
    [
      "The Wonderful Wizard of Oz",
      "L. Frank Baum",
      1900,
      259,
      899,
      26,
      "Swept from Kansas by a cyclone, Dorothy follows the yellow brick road with a Scarecrow, a Tin Woodman, and a Cowardly Lion to find the great Wizard who may be able to send her home.",
    ],
    [
      "Peter and Wendy",
      "J. M. Barrie",
      1911,
      267,
      899,
      14,
      "One night a boy who refuses to grow up flies into the Darling nursery and carries Wendy and her brothers off to Neverland, a land of lost boys, mermaids, and the vengeful Captain Hook.",
    ],
    [
      "The Princess and the Goblin",
      "George MacDonald",
      1872,
      240,
      849,
      8,
      "Young Princess Irene lives in a mountain castle above goblin-riddled mines, and with the miner boy Curdie and a mysterious great-great-grandmother she must foil a plot rising from below.",
    ],
    [
      "Phantastes",
      "George MacDonald",
      1858,
      323,
      1049,
      6,
      "On his twenty-first birthday, Anodos wakes to find his bedroom turning into a forest and wanders into Fairy Land, a dreamlike realm of tree spirits, shadows, and quests that inspired later fantasists.",
    ],
    [
      "The King of Elfland's Daughter",
      "Lord Dunsany",
      1924,
      240,
      1099,
      11,
      "The lord of Erl sends his son beyond the known fields to wed the daughter of the Elf King, but a marriage between mortal time and timeless enchantment proves far harder to keep than to win.",
    ],
    [
      "The Worm Ouroboros",
      "E. R. Eddison",
      1922,
      520,
      1599,
      0,
      "The proud lords of Demonland wage an epic war against the sorcerer King Gorice of Witchland in a richly archaic saga of heroism, betrayal, and glory that helped lay the foundations of high fantasy.",
    ],
    [
      "The Well at the World's End",
      "William Morris",
      1896,
      496,
      1499,
      4,
      "Ralph, youngest son of a small king, rides out in search of a legendary well whose waters grant long life, crossing perilous lands and finding love in a quest romance that shaped modern fantasy.",
    ],
  ],
  Romance: [
    [
      "Pride and Prejudice",
      "Jane Austen",
      1813,
      432,
      999,
      38,
      "Quick-witted Elizabeth Bennet clashes with the proud, wealthy Mr. Darcy, and as first impressions give way to hard truths, both must reckon with their own failings in literature's best-loved courtship.",
    ],
    [
      "Sense and Sensibility",
      "Jane Austen",
      1811,
      409,
      999,
      19,
      "After their father's death leaves them nearly penniless, sensible Elinor and passionate Marianne Dashwood weather heartbreak, secret engagements, and society's cruelty in very different ways.",
    ],
    [
      "Persuasion",
      "Jane Austen",
      1817,
      249,
      899,
      1,
      "Eight years after she was persuaded to refuse him, Anne Elliot meets Captain Wentworth again, now a rich and celebrated naval officer, in Austen's tender, mature story of second chances.",
    ],
    [
      "Jane Eyre",
      "Charlotte Brontë",
      1847,
      532,
      1199,
      23,
      "Orphaned and mistreated, Jane Eyre grows into a fiercely independent governess at Thornfield Hall, where her love for the brooding Mr. Rochester is tested by a secret hidden in the attic.",
    ],
    [
      "Wuthering Heights",
      "Emily Brontë",
      1847,
      416,
      1099,
      16,
      "On the wild Yorkshire moors, the foundling Heathcliff and headstrong Catherine Earnshaw share a love so consuming that its betrayal poisons two families across a generation of revenge.",
    ],
    [
      "North and South",
      "Elizabeth Gaskell",
      1855,
      521,
      1249,
      7,
      "Uprooted from a gentle southern village to a smoky northern mill town, Margaret Hale spars with mill owner John Thornton over workers' rights until respect and attraction complicate everything.",
    ],
    [
      "A Room with a View",
      "E. M. Forster",
      1908,
      256,
      999,
      12,
      "On a trip to Florence, sheltered Lucy Honeychurch meets the unconventional George Emerson, and back in Surrey she must choose between a respectable engagement and the honest passion she found in Italy.",
    ],
    [
      "The Age of Innocence",
      "Edith Wharton",
      1920,
      365,
      1149,
      10,
      "Engaged to the proper May Welland, New York lawyer Newland Archer falls for her unconventional cousin, Countess Ellen Olenska, and must weigh love against the rigid codes of Gilded Age society.",
    ],
    [
      "Far from the Madding Crowd",
      "Thomas Hardy",
      1874,
      433,
      1099,
      9,
      "Independent Bathsheba Everdene inherits a farm in rural Wessex and draws three very different suitors: a steadfast shepherd, a lonely landowner, and a dashing soldier whose charm hides recklessness.",
    ],
  ],
  History: [
    [
      "The History of the Decline and Fall of the Roman Empire",
      "Edward Gibbon",
      1776,
      1312,
      3499,
      4,
      "Spanning more than thirteen centuries, Gibbon's monumental narrative traces how the mightiest empire of the ancient world weakened and fragmented, told in prose as elegant as its scope is vast.",
    ],
    [
      "The French Revolution: A History",
      "Thomas Carlyle",
      1837,
      864,
      1899,
      5,
      "Carlyle plunges readers into the storming of the Bastille, the Terror, and the fall of Robespierre with vivid, almost cinematic prose, turning the upheaval of 1789 into a thunderous historical epic.",
    ],
    [
      "History of the Conquest of Mexico",
      "William H. Prescott",
      1843,
      736,
      1999,
      3,
      "Drawing on archival sources, Prescott recounts the collision between Hernán Cortés and the Aztec empire of Moctezuma, a sweeping sixteenth-century narrative of ambition, alliances, and catastrophe.",
    ],
    [
      "The Civilization of the Renaissance in Italy",
      "Jacob Burckhardt",
      1860,
      480,
      1699,
      6,
      "Burckhardt's landmark study shows how the city-states of Renaissance Italy fostered a new sense of individuality, reshaping politics, scholarship, art, and daily life at the dawn of the modern age.",
    ],
    [
      "Personal Memoirs of U. S. Grant",
      "Ulysses S. Grant",
      1885,
      1216,
      2499,
      1,
      "Written in his final months as he raced against terminal illness, Ulysses S. Grant's clear, unpretentious memoir follows his path from West Point to Appomattox and remains a classic of military history.",
    ],
    [
      "Narrative of the Life of Frederick Douglass, an American Slave",
      "Frederick Douglass",
      1845,
      125,
      699,
      29,
      "Frederick Douglass recounts his childhood in bondage in Maryland, his secret self-education, and his escape to freedom in a powerful firsthand account that galvanized the abolitionist movement.",
    ],
    [
      "The Souls of Black Folk",
      "W. E. B. Du Bois",
      1903,
      265,
      1049,
      18,
      "Blending history, sociology, and personal reflection, Du Bois examines Black life in America after emancipation and introduces the idea of double consciousness in a landmark of American thought.",
    ],
    [
      "The Ecclesiastical History of the English People",
      "Bede",
      731,
      416,
      1349,
      8,
      "Completed by a Northumbrian monk in 731, Bede's chronicle follows Britain from Roman rule through the coming of Christianity and the Anglo-Saxon kingdoms, and remains a cornerstone of English history.",
    ],
    [
      "The Travels of Marco Polo",
      "Marco Polo",
      1300,
      384,
      1249,
      13,
      "The Venetian merchant Marco Polo describes his decades-long journey across Asia to the court of Kublai Khan, giving medieval Europe a dazzling, sometimes fantastical glimpse of distant empires.",
    ],
  ],
  Philosophy: [
    [
      "Meditations",
      "Marcus Aurelius",
      180,
      254,
      899,
      33,
      "Written as private notes by a Roman emperor on campaign, these reflections on duty, mortality, and self-command offer a practical Stoic guide to staying calm and decent amid chaos.",
    ],
    [
      "The Prince",
      "Niccolò Machiavelli",
      1532,
      140,
      799,
      26,
      "Machiavelli's blunt handbook for rulers sets aside pious ideals to ask how power is actually won and kept, a short, provocative book that still sparks debate about ends, means, and leadership.",
    ],
    [
      "Meditations on First Philosophy",
      "René Descartes",
      1641,
      112,
      899,
      11,
      "Resolving to doubt everything that can be doubted, Descartes searches for a foundation of certain knowledge and arrives at the thinking self, reshaping centuries of debate about mind, body, and God.",
    ],
    [
      "Leviathan",
      "Thomas Hobbes",
      1651,
      736,
      1599,
      7,
      "Written amid the English Civil War, Hobbes's masterwork imagines humanity in a lawless state of nature and argues that only a powerful sovereign, created by social contract, can secure lasting peace.",
    ],
    [
      "Ethics",
      "Baruch Spinoza",
      1677,
      288,
      1299,
      5,
      "Set out in the style of geometric proofs, Spinoza's posthumously published masterpiece identifies God with nature and shows how understanding our emotions can lead to freedom and lasting joy.",
    ],
    [
      "An Enquiry Concerning Human Understanding",
      "David Hume",
      1748,
      208,
      999,
      9,
      "Hume asks how much we can really know, questioning causation, miracles, and the reach of reason itself in a lucid, skeptical inquiry that went on to unsettle Kant and much of modern philosophy.",
    ],
    [
      "Critique of Pure Reason",
      "Immanuel Kant",
      1781,
      785,
      1999,
      0,
      "Kant sets out to map the limits of human reason, arguing that space, time, and causality are structures the mind brings to experience, a revolution in thought that shaped all of modern philosophy.",
    ],
    [
      "On Liberty",
      "John Stuart Mill",
      1859,
      176,
      799,
      21,
      "Mill makes a passionate case for freedom of thought, speech, and individual choice, arguing that society may restrict a person only to prevent harm to others, a principle still central to liberal debate.",
    ],
    [
      "Thus Spoke Zarathustra",
      "Friedrich Nietzsche",
      1883,
      352,
      1099,
      12,
      "A prophet descends from his mountain solitude to announce the death of old values and the coming of the overman in Nietzsche's poetic, provocative masterpiece on self-overcoming and eternal recurrence.",
    ],
  ],
  Poetry: [
    [
      "Leaves of Grass",
      "Walt Whitman",
      1855,
      384,
      1099,
      20,
      "Whitman's expansive free verse celebrates the body, the soul, democracy, and the teeming variety of American life, a book he revised across a lifetime and that forever changed the sound of poetry.",
    ],
    [
      "The Divine Comedy",
      "Dante Alighieri",
      1320,
      798,
      1799,
      15,
      "Lost in a dark wood, Dante is guided by the poet Virgil through the circles of Hell and up the mountain of Purgatory before Beatrice leads him into Paradise, an epic journey of the soul.",
    ],
    [
      "Paradise Lost",
      "John Milton",
      1667,
      453,
      1299,
      10,
      "Milton's epic retells the rebellion of Satan and the fall of Adam and Eve in majestic blank verse, giving the fallen angel a magnetic voice and asking how freedom, temptation, and grace entwine.",
    ],
    [
      "Songs of Innocence and of Experience",
      "William Blake",
      1794,
      64,
      699,
      14,
      "Blake's paired collections contrast the joyful vision of childhood with the darker world of experience, setting the lamb against the tiger in short, songlike poems of startling depth.",
    ],
    [
      "Lyrical Ballads",
      "William Wordsworth and Samuel Taylor Coleridge",
      1798,
      224,
      999,
      6,
      "This groundbreaking collaboration brought everyday language and rural lives into poetry and opens with Coleridge's haunting tale of the Ancient Mariner, launching the English Romantic movement.",
    ],
    [
      "Shakespeare's Sonnets",
      "William Shakespeare",
      1609,
      176,
      799,
      25,
      "A sequence of 154 sonnets explores time, beauty, desire, and jealousy, addressed to a fair young man and a mysterious dark lady, and includes some of the most celebrated love poems in English.",
    ],
    [
      "The Canterbury Tales",
      "Geoffrey Chaucer",
      1400,
      504,
      1399,
      9,
      "A knight, a miller, the Wife of Bath, and a host of other pilgrims trade stories on the road to Canterbury in a lively, bawdy, and wise portrait of medieval English society told in verse.",
    ],
    [
      "Goblin Market and Other Poems",
      "Christina Rossetti",
      1862,
      192,
      849,
      1,
      "Two sisters, a troop of goblin merchants, and their irresistible enchanted fruit drive Rossetti's spellbinding title poem, joined by lyrics of love, loss, and faith from a master of Victorian verse.",
    ],
    [
      "The Raven and Other Poems",
      "Edgar Allan Poe",
      1845,
      91,
      749,
      17,
      "A grieving scholar's midnight visitor gives this collection its famous title poem, alongside Poe's other musical, melancholy verses on beauty, loss, and the dark corners of the imagination.",
    ],
  ],
};

/** Curated ISBN stems: "9780000" + 5-digit index (978-0-0000-xxxxx-c). */
const curatedIsbn = (index: number): string => isbn13(`9780000${String(index).padStart(5, "0")}`);

export const seedBooks: SeedBook[] = genres
  .flatMap((genre) => curated[genre].map((row) => ({ genre, row })))
  .map(({ genre, row: [title, author, publishedYear, pages, priceCents, stock, description] }, i) => ({
    title,
    author,
    genre,
    description,
    isbn: curatedIsbn(i),
    publishedYear,
    pages,
    priceCents,
    stock,
  }));

// ---------------------------------------------------------------------------
// Synthetic catalog for load tests
// ---------------------------------------------------------------------------

/** Small, fast seeded PRNG returning floats in [0, 1). */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function at<T>(list: readonly T[], i: number): T {
  const value = list[i];
  if (value === undefined) throw new Error(`index ${i} out of range (length ${list.length})`);
  return value;
}

const pick = <T>(list: readonly T[], rand: () => number): T => at(list, Math.floor(rand() * list.length));
const intBetween = (min: number, max: number, rand: () => number): number => min + Math.floor(rand() * (max - min + 1));

// 50 adjectives × 50 nouns × (80 places + none) = 202 500 distinct titles.
const adjectives = [
  "Silent",
  "Hidden",
  "Broken",
  "Golden",
  "Crimson",
  "Forgotten",
  "Distant",
  "Hollow",
  "Burning",
  "Frozen",
  "Quiet",
  "Restless",
  "Wandering",
  "Shattered",
  "Gilded",
  "Secret",
  "Last",
  "Midnight",
  "Silver",
  "Scarlet",
  "Drowned",
  "Wild",
  "Lonely",
  "Bright",
  "Darkened",
  "Ancient",
  "Fallen",
  "Endless",
  "Painted",
  "Iron",
  "Velvet",
  "Emerald",
  "Stolen",
  "Sleeping",
  "Winter",
  "Summer",
  "Autumn",
  "Paper",
  "Glass",
  "Copper",
  "Salt",
  "Amber",
  "Crooked",
  "Luminous",
  "Vanishing",
  "Northern",
  "Southern",
  "Haunted",
  "Tender",
  "Savage",
] as const;

const nouns = [
  "Harbor",
  "Garden",
  "Lantern",
  "Kingdom",
  "River",
  "Letter",
  "Mirror",
  "Orchard",
  "Tower",
  "Compass",
  "Island",
  "Crown",
  "Meadow",
  "Bridge",
  "Archive",
  "Violin",
  "Forest",
  "Cathedral",
  "Machine",
  "Map",
  "Sparrow",
  "Voyage",
  "Promise",
  "Shadow",
  "Clockmaker",
  "Lighthouse",
  "Station",
  "Citadel",
  "Key",
  "Horizon",
  "Orchid",
  "Wolf",
  "Ledger",
  "Storm",
  "Tide",
  "Road",
  "Castle",
  "Room",
  "Daughter",
  "Heir",
  "Cartographer",
  "Fox",
  "Ember",
  "Winter",
  "Song",
  "Oath",
  "Gate",
  "Library",
  "Feather",
  "Star",
] as const;

const places = [
  "Ember",
  "the North",
  "Glass",
  "the Deep",
  "Ashes",
  "Avalon",
  "the Moors",
  "Salt and Stone",
  "the Lost Coast",
  "Ravenmoor",
  "the Hollow Hills",
  "Midnight",
  "the Seventh Sea",
  "Thorns",
  "Kestrel Bay",
  "the Old Republic",
  "the Last Summer",
  "Evermore",
  "the Red Desert",
  "Willowmere",
  "the Sunken City",
  "Dust",
  "the Far Shore",
  "Briar Hall",
  "Tomorrow",
  "the Iron Coast",
  "Small Hours",
  "the Winter Court",
  "Larkspur",
  "the Wandering Stars",
  "the Empty Quarter",
  "Greyhaven",
  "the Silk Road",
  "Stormwatch",
  "the Veiled Isles",
  "Marrow Lane",
  "the Outer Rim",
  "Cinder Fields",
  "the High Pass",
  "Blackwater",
  "the Amber Coast",
  "Eastmarch",
  "the Glass Sea",
  "Hollowmere",
  "the Quiet Years",
  "Saint Aubin",
  "the Lantern Isles",
  "Frostfall",
  "the Painted Desert",
  "Oakhaven",
  "the Undertow",
  "Mirrorlake",
  "the Broken Crown",
  "Westering",
  "the Copper Hills",
  "Starfall",
  "the River Kings",
  "Ironwood",
  "the Last Light",
  "Fairhollow",
  "the Drowned Bells",
  "Sablewood",
  "the Long Night",
  "Eldergrove",
  "the Salt Marshes",
  "Highcairn",
  "the Burning Plains",
  "Moonreach",
  "the Silver Fens",
  "Duskwater",
  "the Crossing",
  "Thornbury",
  "the Hidden Valley",
  "Wyndham",
  "the Frozen Sea",
  "Ashgrove",
  "the Endless Road",
  "Ravensworth",
  "the Pale Tower",
  "Goldmere",
] as const;

const firstNames = [
  "Ada",
  "Benjamin",
  "Clara",
  "Daniel",
  "Eleanor",
  "Felix",
  "Grace",
  "Henry",
  "Iris",
  "Jonah",
  "Katherine",
  "Leo",
  "Margaret",
  "Nathan",
  "Olivia",
  "Patrick",
  "Quinn",
  "Rosalind",
  "Samuel",
  "Theodora",
  "Usha",
  "Victor",
  "Willa",
  "Xavier",
  "Yara",
  "Zachary",
  "Amara",
  "Bruno",
  "Celeste",
  "Dmitri",
  "Esme",
  "Farid",
  "Greta",
  "Hiro",
  "Ingrid",
  "Julian",
  "Kenji",
  "Lucia",
  "Mateo",
  "Nadia",
] as const;

const lastNames = [
  "Abernathy",
  "Blackwood",
  "Castellanos",
  "Donovan",
  "Ellison",
  "Fairweather",
  "Greenberg",
  "Hollis",
  "Ivanova",
  "Jameson",
  "Kowalski",
  "Lindqvist",
  "Marlowe",
  "Nakamura",
  "Okafor",
  "Pemberton",
  "Quintero",
  "Rasmussen",
  "Sinclair",
  "Thornton",
  "Underwood",
  "Valdez",
  "Whitaker",
  "Xu",
  "Yamamoto",
  "Zimmerman",
  "Achebe",
  "Bergström",
  "Calloway",
  "Delacroix",
  "Everhart",
  "Finch",
  "Gallagher",
  "Hargreave",
  "Iyer",
  "Kensington",
  "Lachance",
  "Moreau",
  "Novak",
  "Osei",
] as const;

const hooks: Record<Genre, readonly string[]> = {
  Fiction: [
    "a family coming apart over one long, hot summer",
    "a schoolteacher who inherits a failing bookshop",
    "two brothers divided by a single decision",
    "a widow rebuilding her life in a seaside town",
  ],
  Mystery: [
    "a detective chasing a killer who leaves no footprints",
    "a small-town librarian who finds a coded letter",
    "a locked room and six suspects who all lie",
    "a retired inspector pulled back for one last case",
  ],
  "Science Fiction": [
    "the crew of a generation ship nearing its final stop",
    "an engineer who hears signals from a dead satellite",
    "a colony deciding whether to wake its sleepers",
    "a courier smuggling memories across a divided Mars",
  ],
  Fantasy: [
    "an apprentice mapmaker charting a kingdom that keeps moving",
    "a thief bound by a dragon's oath",
    "the last keeper of a drowned library",
    "a reluctant heir who can hear the voices of old stones",
  ],
  Romance: [
    "two rival bakers forced to share a market stall",
    "a translator and the novelist she swore she would never meet",
    "old friends reunited at a wedding neither wanted to attend",
    "a lighthouse keeper and the storm-stranded stranger at her door",
  ],
  History: [
    "the merchants who rebuilt a burned port city",
    "a forgotten winter campaign and the soldiers who survived it",
    "the rise and fall of a river trading dynasty",
    "the women who kept a besieged city fed",
  ],
  Philosophy: [
    "what we owe to strangers",
    "whether a good life requires certainty",
    "how attention shapes character",
    "the quiet ethics of everyday choices",
  ],
  Poetry: [
    "seasons, grief, and small domestic joys",
    "coastlines, migration, and memory",
    "city nights and the language of longing",
    "gardens, aging, and the patience of trees",
  ],
};

const genreNouns: Record<Genre, string> = {
  Fiction: "literary fiction",
  Mystery: "crime fiction",
  "Science Fiction": "science fiction",
  Fantasy: "fantasy",
  Romance: "romantic fiction",
  History: "narrative history",
  Philosophy: "philosophy",
  Poetry: "poetry",
};

const qualities = [
  "sharp, absorbing",
  "quietly powerful",
  "richly textured",
  "bold and inventive",
  "warm, witty",
  "hauntingly beautiful",
] as const;

type Template = (title: string, author: string, hook: string, quality: string, noun: string) => string;

const templates: readonly Template[] = [
  (t, a, h, q, n) => `${t} centers on ${h}. ${a} delivers ${q} ${n} that rewards every page.`,
  (t, a, h, q, n) => `From its first page, ${a}'s ${t} draws readers into ${h}, blending ${q} ${n} with unexpected warmth.`,
  (t, a, h, q, n) => `${a} turns to ${h} in ${t}, ${q} ${n} for anyone who loves a book they cannot put down.`,
  (t, a, h, q, n) => `A ${q} work of ${n}, ${t} follows ${h}, and ${a} makes every choice feel like it matters.`,
];

const TITLE_SPACE = adjectives.length * nouns.length * (places.length + 1);
const TITLE_STEP = 7919; // prime, coprime with TITLE_SPACE, so the mapping below is a bijection
const MAX_SYNTHETIC_INDEX = 99_999_999; // 8-digit index after the "9798" prefix

/** Distinct title for every index within each block of TITLE_SPACE; later blocks get a volume suffix. */
function syntheticTitle(index: number): string {
  const p = (index * TITLE_STEP) % TITLE_SPACE;
  const adjective = at(adjectives, p % adjectives.length);
  const noun = at(nouns, Math.floor(p / adjectives.length) % nouns.length);
  const placeSlot = Math.floor(p / (adjectives.length * nouns.length)); // 0 = no place
  const base = placeSlot === 0 ? `The ${adjective} ${noun}` : `The ${adjective} ${noun} of ${at(places, placeSlot - 1)}`;
  const volume = Math.floor(index / TITLE_SPACE);
  return volume === 0 ? base : `${base}, Volume ${volume + 1}`;
}

/** Synthetic ISBN stems: "9798" + 8-digit index — disjoint from the curated "9780000…" stems. */
const syntheticIsbn = (index: number): string => isbn13(`9798${String(index).padStart(8, "0")}`);

function syntheticBook(index: number): SeedBook {
  const rand = mulberry32(index);
  const genre = at(genres, index % genres.length);
  const title = syntheticTitle(index);
  const author = `${pick(firstNames, rand)} ${pick(lastNames, rand)}`;
  const description = pick(templates, rand)(title, author, pick(hooks[genre], rand), pick(qualities, rand), genreNouns[genre]);
  const dollars = intBetween(5, 34, rand);
  const cents = dollars === 5 || rand() < 0.5 ? 99 : 49;
  return {
    title,
    author,
    genre,
    description,
    isbn: syntheticIsbn(index),
    publishedYear: intBetween(1900, 2025, rand),
    pages: intBetween(120, 900, rand),
    priceCents: dollars * 100 + cents,
    stock: intBetween(0, 50, rand),
  };
}

/** Deterministic synthetic books for indices [startIndex, startIndex + count). */
export function generateBooks(count: number, startIndex: number): SeedBook[] {
  if (!Number.isSafeInteger(count) || count < 0) throw new RangeError(`invalid count: ${count}`);
  if (!Number.isSafeInteger(startIndex) || startIndex < 0) throw new RangeError(`invalid startIndex: ${startIndex}`);
  if (count > 0 && startIndex + count - 1 > MAX_SYNTHETIC_INDEX) {
    throw new RangeError(`synthetic index must stay <= ${MAX_SYNTHETIC_INDEX}`);
  }
  const books: SeedBook[] = new Array<SeedBook>(count);
  for (let i = 0; i < count; i++) books[i] = syntheticBook(startIndex + i);
  return books;
}
