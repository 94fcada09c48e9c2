async function text_statistics(args, ctx) {
const text = args.text;
const words = text.match(/[\p{L}\p{N}]+(?:['’-][\p{L}\p{N}]+)*/gu) ?? [];
const sentences = text
  .split(/(?<=[.!?…])\s+|\n\s*\n/u)
  .filter((sentence) => /[\p{L}\p{N}]/u.test(sentence));
const paragraphs = text.split(/\n\s*\n/).filter((paragraph) => paragraph.trim().length > 0);
const characters = [...text].length;
const lettersAndDigits = words.reduce((sum, word) => sum + [...word.replace(/['’-]/g, "")].length, 0);

const fillers = new Set((
  "a an and are as at be but by for from had has have he her his i if in into is it its me my no not of on or our " +
  "she so that the their them then there these they this to was we were what when which who will with you your " +
  "der die das und ist ein eine zu den dem des nicht mit von sie es ich auf für im auch sich le la les et est un une " +
  "des du en que qui dans pour pas au el los las y es un una que en por con para lo del se"
).split(" "));
const counts = new Map();
for (const word of words) {
  const key = word.toLowerCase();
  if (!fillers.has(key) && [...key].length > 1 && !/^\p{N}+$/u.test(key)) {
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
}
const topWords = [...counts.entries()]
  .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
  .slice(0, args.top_words ?? 10)
  .map(([word, count]) => ({ word, count }));

const minutes = (count, perMinute) => {
  const seconds = Math.round((count / perMinute) * 60);
  return seconds < 60 ? `${seconds} s` : `${Math.floor(seconds / 60)} min ${seconds % 60} s`;
};
const unique = new Set(words.map((word) => word.toLowerCase())).size;
const longest = words.reduce((best, word) => ([...word].length > [...best].length ? word : best), "");
const round = (number) => Math.round(number * 10) / 10;
return {
  characters,
  charactersWithoutSpaces: [...text.replace(/\s/g, "")].length,
  words: words.length,
  uniqueWords: unique,
  sentences: sentences.length,
  paragraphs: paragraphs.length,
  averageWordLength: words.length ? round(lettersAndDigits / words.length) : 0,
  averageSentenceLength: sentences.length ? round(words.length / sentences.length) : 0,
  longestWord: longest || undefined,
  readingTime: minutes(words.length, args.words_per_minute ?? 230),
  speakingTime: minutes(words.length, 130),
  topWords
};
}
