async function add_numbers(args, ctx) {
const sum = args.numbers.reduce((total, n) => total + n, 0);
// Binary floating point: 0.1 + 0.2 is 0.30000000000000004; fifteen significant digits read as people expect.
return { sum: Number(sum.toPrecision(15)), count: args.numbers.length };
}
