# zsh -f zsh-tab.zsh MODE SCRIPT WORDS: types WORDS and a TAB into a real interactive zsh on a pseudo-terminal, with
# socketkit's zsh completion SCRIPT loaded as MODE says (source: sourced after compinit, as ~/.zshrc would;
# fpath: found as _socketkit on $fpath by compinit), then prints the line as zsh left it: BUFFER<...>.
# Every step waits for the inner shell's own output, never for a time; the caller bounds the whole run.
zmodload zsh/zpty || exit 3
mode=$1 script=$2 words=$3
home=${script:h}

if [[ $mode == fpath ]]; then
  load="fpath=(${(q)home} \$fpath); autoload -U compinit && compinit -u -D"
else
  load="autoload -U compinit && compinit -u -D; source ${(q)script}"
fi

zpty socketkit "HOME=${(q)home} TERM=dumb zsh -f -i"
# A widget on Ctrl-X prints the edited line; a stand-in socketkit function makes the command known to zsh.
zpty -w socketkit "$load; socketkit() { :; }; show-buffer() { zle -I; print -r -- \"BUFFER<\$BUFFER>\"; };"\
" zle -N show-buffer; bindkey '^X' show-buffer; print READY-\$((6 * 7))"
zpty -r socketkit out '*READY-42*' || exit 4
zpty -w -n socketkit "$words"$'\t\C-x'
zpty -r socketkit out '*BUFFER<*>*' || exit 5
print -r -- "${${out##*BUFFER<}%%>*}"
zpty -d socketkit
