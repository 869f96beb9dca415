# dl-lint -- run dl-lint on the unpacked source package and report its hints
#
# Copyright (C) 2025 The dl-lint authors
#
# This program is free software; you can redistribute it and/or modify it
# under the terms of the GNU General Public License as published by the Free
# Software Foundation; either version 3 of the License, or (at your option)
# any later version.
#
# This program is distributed in the hope that it will be useful, but WITHOUT
# ANY WARRANTY; without even the implied warranty of MERCHANTABILITY or
# FITNESS FOR A PARTICULAR PURPOSE. See the GNU General Public License for
# more details.
#
# You should have received a copy of the GNU General Public License along
# with this program. If not, see <https://www.gnu.org/licenses/>.

# Lintian loads this module from an include directory
# (lintian --include-dir /usr/share/dl-lint/lintian). Its file name makes
# the check name "dl-lint", which is the Check field of every tag file
# that dl_lint.lintian_include generates beside it. Lintian accepts a hint
# only when the issuing check owns the tag.

package Lintian::Check::DlLint;

use v5.20;
use warnings;
use utf8;

use IPC::Run3;
use JSON::MaybeXS;
use Unicode::UTF8 qw(encode_utf8 decode_utf8);

use Moo;
use namespace::clean;

with 'Lintian::Check';

# The dl-lint command line, split at white space, so that a source checkout
# can use "env PYTHONPATH=DIR python3 -m dl_lint" and a user can add options
# such as "dl-lint --profile NAME". Lintian deletes every environment
# variable but a few standard ones and those starting with LINTIAN_, hence
# the prefix.
my $COMMAND_VARIABLE = 'LINTIAN_DL_LINT_COMMAND';
my $DEFAULT_COMMAND = 'dl-lint';

sub source {
    my ($self) = @_;

    my $tree = $self->processable->patched->basedir;
    my $document = $self->_run_dl_lint($tree);

    my %issued;
    for my $package (@{$document->{packages} // []}) {
        for my $hint (@{$package->{hints} // []}) {
            $self->_issue($hint, \%issued);
        }
    }

    return;
}

# Run dl-lint on TREE and return its decoded JSON document. Lintian applies
# debian/source/lintian-overrides itself, so dl-lint must report every hint
# (--no-override), and its exit status must not depend on the hints.
sub _run_dl_lint {
    my ($self, $tree) = @_;

    my @command = split(q{ }, $ENV{$COMMAND_VARIABLE} // $DEFAULT_COMMAND);
    push(@command,
        qw(--format json --no-override --fail-on none), $tree);

    my ($output, $errors);
    unless (eval { run3(\@command, \undef, \$output, \$errors); 1 }) {

        # IPC::Run3 adds a stack trace and its own source position to the
        # reason; the first line without the position is what a user needs.
        my ($reason) = split(/\n/, $@);
        $reason =~ s/ at \S+ line \d+[.]?$//;
        die encode_utf8("Cannot run $command[0]: $reason. Install dl-lint"
              . " or set $COMMAND_VARIABLE to its command line.\n");
    }

    # $? also carries a signal number, which the shift alone would hide.
    my $status = $? >> 8;
    die encode_utf8("@command failed with wait status $? (exit $status):\n"
          . decode_utf8($errors // q{}))
      if $? != 0;

    print {*STDERR} $errors
      if length $errors;

    my $document = eval { decode_json($output) };
    my ($reason) = split(/\n/, $@ || 'the top level is not an object');
    die encode_utf8("@command wrote invalid JSON: $reason\n")
      unless ref $document eq 'HASH';

    return $document;
}

# Turn one dl-lint hint into a lintian hint with the same tag, context and
# pointer. Lintian rejects a repeated tag and context with a warning, so
# repeats are dropped here.
sub _issue {
    my ($self, $hint, $issued) = @_;

    my $tag = $hint->{tag};
    my $context = $hint->{context} // q{};
    my $pointer = $hint->{pointer};

    unless (defined $self->profile->get_tag($tag)) {
        warn encode_utf8("dl-lint emitted tag $tag, which lintian does not"
              . ' know; regenerate the include directory with'
              . " python3 -m dl_lint.lintian_include DIR\n");
        return;
    }

    my $path = defined $pointer ? $pointer->{path} : undef;
    my $line = defined $pointer ? ($pointer->{line} // 0) : 0;
    my $key = join("\0", $tag, $context, $path // q{}, $line);
    return
      if $issued->{$key}++;

    my $item = defined $path ? $self->processable->patched->lookup($path) : undef;
    if (defined $item) {
        $self->pointed_hint($tag, $item->pointer($line), $context);

    } elsif (defined $path) {
        # A path lintian did not index keeps dl-lint's pointer text.
        my $where = $line ? "$path:$line" : $path;
        $self->hint($tag, $context, "[$where]");

    } else {
        $self->hint($tag, $context);
    }

    return;
}

1;

# Local Variables:
# indent-tabs-mode: nil
# cperl-indent-level: 4
# End:
# vim: syntax=perl sw=4 sts=4 sr et
