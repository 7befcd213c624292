// XML formatting of the addons (pre-commit: prettier with @prettier/plugin-xml),
// as OCA's 18.0 template does, at ROMS's 4-space indent.
/** @type {import('prettier').Config} */
const config = {
    plugins: [require.resolve("@prettier/plugin-xml")],
    bracketSpacing: false,
    printWidth: 88,
    proseWrap: "always",
    semi: true,
    tabWidth: 4,
    trailingComma: "es5",
    xmlWhitespaceSensitivity: "preserve",
};

module.exports = config;
